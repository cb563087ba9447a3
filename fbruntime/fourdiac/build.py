"""Model to runtime: 4diac FB types built into ``fbruntime.core`` types, and the resolver for them.

:class:`FourdiacTypes` is what everything that needs a type by name uses (the loader of systems,
the management protocol, ``fbrt types``): XML folders plus the native library, resolved the IDE's
way (plain, qualified or deployed ``a__b__C`` names), built once and cached. A type with a native
implementation uses it, as FORTE uses its compiled-in types, unless ``prefer_xml`` asks for the
XML (the differential conformance test runs both).

Building per kind: Basic -> :class:`fbruntime.core.ecc.BasicType` (algorithms and guards compiled
by ``fbruntime.st`` once per type, the ECC generated as one function per event); Simple and
Function -> :class:`~fbruntime.core.ecc.SimpleType`; Composite -> :class:`FourdiacCompositeType`
(a core composite that also wires adapter connections and types inner generic FBs); interface-only
``F_*`` -> :class:`~fbruntime.fourdiac.generic.GenericFBType`; any other Service FB must be native
or is reported by name. Every failure is a :class:`FourdiacError` naming file, line and element.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from fbruntime import iec
from fbruntime.core import CompositeType, FBType, InnerBlock
from fbruntime.core.composite import CompositeInstance
from fbruntime.core.ecc import (
    AdapterLink,
    AdapterProxyType,
    AdapterSpec,
    BasicType,
    EccAction,
    EccState,
    EccTransition,
    SimpleType,
    register_passthrough,
)
from fbruntime.core.instance import FBInstance
from fbruntime.core.interface import AdapterPort, DataPort, EventPort
from fbruntime.core.interface import Interface as CoreInterface
from fbruntime.fourdiac.constants import ConstantLookup, NameContext
from fbruntime.fourdiac.errors import FourdiacError, Origin, Problem
from fbruntime.fourdiac.generic import GenericFBType, operation_name
from fbruntime.fourdiac.iectypes import StructTable, initial_value, parse_value
from fbruntime.fourdiac.library import FB_TAGS, TypeEntry, TypeLibrary
from fbruntime.fourdiac.model import (
    AdapterType,
    Algorithm,
    BasicFBType,
    CompositeFBType,
    ConnectionKind,
    FunctionType,
    GlobalConstants,
    Interface,
    LibraryElement,
    ServiceFBType,
    SimpleFBType,
    VarDecl,
)
from fbruntime.st import (
    CallableInterface,
    CompiledFunction,
    STError,
    STRuntimeError,
    STScope,
    VarInfo,
    compile_algorithms,
    compile_function,
    compile_guards,
)

register_passthrough(STRuntimeError)

RETURN_PIN_CANDIDATES = ("OUT", "RET", "Q", "RESULT")
"""Names given to a Function's unnamed return output (``Name=""``), first free one wins."""


def _error(origin: Origin, element: str, message: str) -> FourdiacError:
    return FourdiacError(origin.file, origin.line, element, message)


def return_pin(interface: Interface) -> str:
    """The runtime name of a Function's unnamed return output (``FB.`` in connections)."""
    taken = {name.upper() for name in interface.pin_names()}
    for candidate in RETURN_PIN_CANDIDATES:
        if candidate not in taken:
            return candidate
    return "RETVAL"


def _st_error(exc: STError, file: str, element: str) -> FourdiacError:
    what = f"algorithm {exc.algorithm}: " if exc.algorithm else ""
    return FourdiacError(file, exc.line, element, f"{what}{exc.message}")


@runtime_checkable
class Specializable(Protocol):
    """A type whose ANY pins are typed per use (``F_*``, or XML types with generic pins)."""

    def specialize(self, known: Mapping[str, iec.IecType]) -> FBType: ...


class FourdiacCompositeType(CompositeType):
    """A composite from an ``.fbt``: adds adapter connections among its inner FBs on create."""

    def __init__(
        self,
        name: str,
        interface: CoreInterface,
        blocks: Sequence[InnerBlock],
        connections: Sequence[tuple[str, str]],
        adapter_connections: Sequence[tuple[str, str]] = (),
        **meta: Any,
    ) -> None:
        super().__init__(name, interface, blocks, connections, **meta)
        self.adapter_connections = list(adapter_connections)

    def create(self, name: str) -> FBInstance:
        inst = super().create(name)
        assert isinstance(inst, CompositeInstance)
        for source, destination in self.adapter_connections:
            connect_adapters(inst.rt__network.instances, source, destination)
        return inst


def _adapter_end(instances: Mapping[str, FBInstance], path: str) -> tuple[Any, str, str]:
    """(object to bind, adapter name, adapter type) for ``FB.adapter`` or a bare proxy name."""
    if path in instances and hasattr(instances[path], "rt__bind_link"):
        proxy = instances[path]
        return proxy, "", getattr(proxy.rt__type, "adapter_type", "")
    head, _, pin = path.rpartition(".")
    inst = instances.get(head)
    if inst is None:
        raise ValueError(f"adapter connection end {path!r}: no FB {head!r}")
    if isinstance(inst, CompositeInstance):
        inner = inst.rt__network.instances.get(pin)
        if inner is None or not hasattr(inner, "rt__bind_link"):
            raise ValueError(f"adapter connection end {path!r}: {head} has no adapter {pin!r}")
        return inner, "", getattr(inner.rt__type, "adapter_type", "")
    port = inst.rt__type.interface.port(pin)
    if not isinstance(port, AdapterPort) or not hasattr(inst, "rt__bind_link"):
        raise ValueError(f"adapter connection end {path!r}: {pin!r} is not a plug or socket")
    return inst, pin, port.type_name


def connect_adapters(instances: Mapping[str, FBInstance], source: str, destination: str) -> None:
    """Join a plug and a socket: both sides then share one :class:`AdapterLink`."""
    a, a_pin, a_type = _adapter_end(instances, source)
    b, b_pin, b_type = _adapter_end(instances, destination)
    if a_type.rsplit("::", 1)[-1].lower() != b_type.rsplit("::", 1)[-1].lower():
        raise ValueError(f"adapter connection {source} -> {destination}: {a_type} is not {b_type}")
    data: dict[str, DataPort] = {}
    events: list[str] = []
    for side, pin in ((a, a_pin), (b, b_pin)):
        if pin:
            spec = side.rt__type.adapter(pin)
            data.update({p.name: p for p in spec.data})
            events.extend((*spec.event_inputs, *spec.event_outputs))
        else:
            itf = side.rt__type.interface
            data.update({p.name: p for p in itf.data_ports()})
            events.extend(e.name for e in (*itf.event_inputs, *itf.event_outputs))
    link = AdapterLink(a_type, tuple(data.values()), events)
    for side, pin in ((a, a_pin), (b, b_pin)):
        if pin:
            side.rt__bind_link(pin, link)
        else:
            side.rt__bind_link(link)


def _pin_type_of(fbtype: FBType, pin: str) -> iec.IecType | None:
    port = fbtype.interface.data_port(pin)
    return port.type if port is not None else None


def type_generics(
    types: dict[str, FBType],
    connections: Sequence[tuple[str, str]],
    own: CoreInterface | None = None,
    params: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, FBType]:
    """Replace each generic FB type in ``types`` (name -> type) by one typed from its connections.

    Repeats until nothing changes, so chains of generic FBs type each other.
    """
    result = dict(types)

    def split(path: str) -> tuple[str | None, str]:
        head, dot, pin = path.rpartition(".")
        if not dot:
            return None, path
        return head, pin

    bases = {name: t for name, t in types.items() if isinstance(t, Specializable)}
    if not bases:
        return result
    touching: dict[str, list[tuple[str | None, str, str | None, str]]] = {}
    for source, destination in connections:
        s_fb, s_pin = split(source)
        d_fb, d_pin = split(destination)
        for fb in {s_fb, d_fb}:
            if fb in bases:
                touching.setdefault(fb, []).append((s_fb, s_pin, d_fb, d_pin))
    for _ in range(8):
        changed = False
        for name, base in bases.items():
            t = result[name]
            known: dict[str, iec.IecType] = {}
            for s_fb, s_pin, d_fb, d_pin in touching.get(name, ()):
                if d_fb == name and s_fb != name:
                    other = result.get(s_fb) if s_fb is not None else None
                    st = _pin_type_of(other, s_pin) if other is not None else None
                    if other is None and s_fb is None and own is not None:
                        st = _pin_type_of_interface(own, s_pin)
                    if st is not None and not st.is_generic:
                        known[d_pin] = st
                if s_fb == name and d_fb != name:
                    other = result.get(d_fb) if d_fb is not None else None
                    dt = _pin_type_of(other, d_pin) if other is not None else None
                    if other is None and d_fb is None and own is not None:
                        dt = _pin_type_of_interface(own, d_pin)
                    if dt is not None and not dt.is_generic:
                        known.setdefault(s_pin, dt)
            for pin, text in (params or {}).get(name, {}).items():
                if "#" in text and pin not in known:
                    try:
                        known[pin] = iec.parse_literal(text)[0]
                    except (iec.IecError, ValueError):
                        pass
            try:
                typed = base.specialize(known)
            except FourdiacError:
                continue  # reported when the instance is created
            if typed is not t:
                result[name] = typed
                changed = changed or typed.interface != t.interface
        if not changed:
            break
    return result


def _pin_type_of_interface(itf: CoreInterface, pin: str) -> iec.IecType | None:
    port = itf.data_port(pin)
    return port.type if port is not None else None


class FourdiacTypes:
    """Types by name from XML folders and the native library, built once, problems kept as data."""

    def __init__(
        self,
        type_dirs: Sequence[str | Path] = (),
        *,
        native: Mapping[str, FBType] | None = None,
        prefer_xml: bool = False,
        library: TypeLibrary | None = None,
    ) -> None:
        self.library = library if library is not None else TypeLibrary(type_dirs)
        if native is None:
            from fbruntime.blockfiles import load_library

            native = load_library()
        self.native = {name.upper(): t for name, t in native.items()}
        self.prefer_xml = prefer_xml
        self.structs = StructTable(self.library)
        self.problems: list[Problem] = []
        self._built: dict[str, FBType] = {}
        self._failed: dict[str, FourdiacError] = {}
        self._building: set[str] = set()
        self._functions: dict[str, CompiledFunction] | None = None
        self._constants: dict[str, tuple[iec.IecType, Any]] | None = None
        self._pin_types: Mapping[str, iec.IecType] = {}
        self._names = NameContext()

    @property
    def constant_lookup(self) -> ConstantLookup:
        """Global constants as named from the element being built (its package and imports)."""
        return self.structs.constants.bind(self._names)

    def build_typed(
        self, model: BasicFBType | SimpleFBType, file: str, pin_types: Mapping[str, iec.IecType]
    ) -> FBType:
        """Build ``model`` with its generic pins given concrete types."""
        saved = self._pin_types, self._names
        self._pin_types = pin_types
        self._names = NameContext.of(model.header)
        try:
            if isinstance(model, BasicFBType):
                return self._basic(model, file)
            return self._simple(model, file)
        finally:
            self._pin_types, self._names = saved

    # -- lookup ---------------------------------------------------------------------------

    def get(
        self,
        name: str,
        package: str = "",
        imports: Sequence[str] = (),
        *,
        origin: Origin | None = None,
    ) -> FBType:
        """The runtime type called ``name`` (as written in an element of ``package``)."""
        plain = name.strip().replace("__", "::").rsplit("::", 1)[-1]
        if not self.prefer_xml:
            native = self.native.get(plain.upper())
            if native is not None:
                return native
        resolution = self.library.resolve_detailed(name, package, imports, FB_TAGS)
        if resolution.entry is None:
            native = self.native.get(plain.upper())
            if native is not None:
                return native
            where = origin or Origin("", 0)
            raise _error(where, "FB", f"type {name!r}: {resolution.how}")
        try:
            return self.build_entry(resolution.entry)
        except FourdiacError:
            if self.prefer_xml:
                native = self.native.get(plain.upper())
                if native is not None:
                    return native
            raise

    def find(self, name: str, package: str = "", imports: Sequence[str] = ()) -> FBType | None:
        """Like :meth:`get`, but a failure is added to :attr:`problems` and gives None."""
        try:
            return self.get(name, package, imports)
        except FourdiacError as exc:
            self.problems.append(exc.problem)
            return None

    def native_of(self, name: str) -> FBType | None:
        return self.native.get(name.strip().replace("__", "::").rsplit("::", 1)[-1].upper())

    def build_entry(self, entry: TypeEntry) -> FBType:
        key = entry.file
        built = self._built.get(key)
        if built is not None:
            return built
        failed = self._failed.get(key)
        if failed is not None:
            raise failed
        if key in self._building:
            raise FourdiacError(entry.file, 0, entry.root_tag, f"type {entry.name} contains itself")
        self._building.add(key)
        try:
            model = self.library.load(entry)
            if model is None:
                problems = self.library.problems_of(entry.file)
                reason = str(problems[0]) if problems else "cannot be read"
                raise FourdiacError(entry.file, 0, entry.root_tag, f"cannot be read: {reason}")
            built = self.build(model, entry.file)
        except FourdiacError as exc:
            self._failed[key] = exc
            raise
        finally:
            self._building.discard(key)
        self._built[key] = built
        return built

    def build(self, model: LibraryElement, file: str) -> FBType:
        saved = self._names
        self._names = NameContext.of(model.header)
        try:
            return self._build_kind(model, file)
        finally:
            self._names = saved

    def _build_kind(self, model: LibraryElement, file: str) -> FBType:
        if isinstance(model, BasicFBType | SimpleFBType):
            generic = [
                v
                for v in (
                    *model.interface.inputs,
                    *model.interface.outputs,
                    *model.interface.in_outs,
                )
                if iec.find_generic(v.type_name.rsplit("::", 1)[-1]) is not None
            ]
            if generic:
                return XmlGenericType(self, model, file)
            return (
                self._basic(model, file)
                if isinstance(model, BasicFBType)
                else self._simple(model, file)
            )
        if isinstance(model, FunctionType):
            return self._function(model, file)
        if isinstance(model, CompositeFBType):
            return self._composite(model, file)
        if isinstance(model, ServiceFBType):
            return self._service(model, file)
        raise FourdiacError(
            file, model.origin.line, model.kind.value, f"a {model.kind.value} is not an FB type"
        )

    # -- pieces -----------------------------------------------------------------------------

    def _var_type(self, var: VarDecl) -> iec.IecType:
        return self.structs.type_of(var)

    def _port(self, var: VarDecl, name: str | None = None) -> DataPort:
        t = self._pin_types.get(var.name) or self._var_type(var)
        return DataPort(
            name or var.name, t, initial_value(var, t, self.constant_lookup), var.comment
        )

    def interface(self, itf: Interface, return_name: str = "") -> CoreInterface:
        def rename(name: str) -> str:
            return return_name if (not name and return_name) else name

        try:
            return CoreInterface(
                event_inputs=tuple(
                    EventPort(e.name, tuple(rename(v) for v in e.with_vars), e.comment, e.type_name)
                    for e in itf.event_inputs
                ),
                event_outputs=tuple(
                    EventPort(e.name, tuple(rename(v) for v in e.with_vars), e.comment, e.type_name)
                    for e in itf.event_outputs
                ),
                data_inputs=tuple(self._port(v) for v in itf.inputs),
                data_outputs=tuple(self._port(v, rename(v.name)) for v in itf.outputs),
                inouts=tuple(self._port(v) for v in itf.in_outs),
                sockets=tuple(AdapterPort(a.name, a.type_name, a.comment) for a in itf.sockets),
                plugs=tuple(AdapterPort(a.name, a.type_name, a.comment) for a in itf.plugs),
            )
        except Exception as exc:
            if isinstance(exc, FourdiacError):
                raise
            origin = itf.event_inputs[0].origin if itf.event_inputs else Origin("", 0)
            raise _error(origin, "InterfaceList", str(exc)) from None

    def _generic_interface(self, itf: Interface) -> CoreInterface:
        """The declared interface with generic pins kept generic (for listings and typing)."""
        return self.interface(itf)

    def adapter_model(self, type_name: str, package: str, imports: Sequence[str]) -> AdapterType:
        entry = self.library.resolve(type_name, package, imports, frozenset({"AdapterType"}))
        model = self.library.load(entry) if entry is not None else None
        if not isinstance(model, AdapterType):
            raise FourdiacError("", 0, "AdapterDeclaration", f"unknown adapter type {type_name!r}")
        return model

    def adapter_specs(
        self, itf: Interface, package: str, imports: Sequence[str]
    ) -> list[AdapterSpec]:
        specs = []
        for decls, is_socket in ((itf.sockets, True), (itf.plugs, False)):
            for decl in decls:
                try:
                    model = self.adapter_model(decl.type_name, package, imports)
                except FourdiacError as exc:
                    raise _error(
                        decl.origin, "AdapterDeclaration", f"{decl.name}: {exc.reason}"
                    ) from None
                declared_in = tuple(e.name for e in model.interface.event_inputs)
                declared_out = tuple(e.name for e in model.interface.event_outputs)
                data = tuple(
                    self._port(v) for v in (*model.interface.inputs, *model.interface.outputs)
                )
                specs.append(
                    AdapterSpec(
                        decl.name,
                        decl.type_name,
                        is_socket,
                        declared_in if is_socket else declared_out,
                        declared_out if is_socket else declared_in,
                        data,
                    )
                )
        return specs

    def proxy_type(
        self, name: str, type_name: str, is_socket: bool, package: str, imports: Sequence[str]
    ) -> AdapterProxyType:
        model = self.adapter_model(type_name, package, imports)
        itf = self.interface(model.interface)
        if not is_socket:
            itf = CoreInterface(
                event_inputs=itf.event_outputs,
                event_outputs=itf.event_inputs,
                data_inputs=itf.data_outputs,
                data_outputs=itf.data_inputs,
            )
        return AdapterProxyType(name, itf, type_name)

    def functions(self) -> dict[str, CompiledFunction]:
        """Every ``.fct`` of the library compiled (failures become problems), by name."""
        if self._functions is None:
            self._functions = {}
            for entry in self.library.entries:
                if entry.root_tag != "Function":
                    continue
                model = self.library.load(entry)
                if not isinstance(model, FunctionType) or model.body is None:
                    continue
                try:
                    compiled = compile_function(
                        model.body.text,
                        origin=entry.file,
                        line=model.body.text_line,
                        scope=STScope(
                            variables={},
                            structs=self.structs.structs,
                            resolve_constant=self.structs.constants.bind(
                                NameContext.of(model.header)
                            ),
                        ),
                    )
                except STError as exc:
                    self.problems.append(_st_error(exc, entry.file, "FunctionBody").problem)
                    continue
                self._functions[compiled.qualified_name] = compiled
        return self._functions

    def constants(self) -> dict[str, tuple[iec.IecType, Any]]:
        if self._constants is None:
            self._constants = {}
            for entry in self.library.entries:
                if entry.root_tag != "GlobalConstants":
                    continue
                model = self.library.load(entry)
                if not isinstance(model, GlobalConstants):
                    continue
                for var in model.constants:
                    qualified = f"{model.header.qualified_name}::{var.name}"
                    try:
                        found = self.structs.constants.lookup(qualified, NameContext())
                    except FourdiacError as exc:
                        self.problems.append(exc.problem)
                        continue
                    if found is not None:
                        self._constants[qualified] = found
        return self._constants

    def scope(
        self,
        itf: CoreInterface,
        internals: Sequence[DataPort],
        consts: Sequence[str],
        internal_fbs: Mapping[str, FBType],
        adapters: Sequence[AdapterSpec],
        texts: Sequence[str],
    ) -> STScope:
        variables: dict[str, VarInfo] = {}
        for port in itf.data_inputs:
            variables[port.name] = VarInfo(port.name, port.type, "input")
        for port in itf.data_outputs:
            variables[port.name] = VarInfo(port.name, port.type, "output")
        for port in itf.inouts:
            variables[port.name] = VarInfo(port.name, port.type, "inout")
        for port in internals:
            kind = "constant" if port.name in consts else "internal"
            variables[port.name] = VarInfo(port.name, port.type, kind)  # type: ignore[arg-type]
        instances = {
            name: CallableInterface(
                tuple(e.name for e in t.interface.event_inputs),
                {p.name: p.type for p in (*t.interface.data_inputs, *t.interface.inouts)},
                {p.name: p.type for p in t.interface.data_outputs},
                tuple(e.name for e in t.interface.event_outputs),
            )
            for name, t in internal_fbs.items()
        }
        adapter_ifaces = {}
        for spec in adapters:
            model_data = {p.name: p.type for p in spec.data}
            adapter_ifaces[spec.name] = CallableInterface(
                spec.event_inputs, model_data, model_data, spec.event_outputs
            )
        joined = "\n".join(texts).upper()
        functions = {
            name: fn
            for name, fn in self._functions_if_needed(joined).items()
            if fn.name.upper() in joined
        }
        return STScope(
            variables,
            instances,
            adapter_ifaces,
            functions,
            structs=self.structs.structs if "." in joined or "STRUCT" in joined else {},
            resolve_constant=self.constant_lookup,
        )

    def _functions_if_needed(self, joined: str) -> dict[str, CompiledFunction]:
        if not any(
            e.root_tag == "Function" and e.name.upper() in joined for e in self.library.entries
        ):
            return {}
        return self.functions()

    def _internal_fbs(self, model: BasicFBType | SimpleFBType, file: str) -> dict[str, FBType]:
        found: dict[str, FBType] = {}
        for fb in model.internal_fbs:
            try:
                found[fb.name] = self.get(
                    fb.type_name, model.header.package, model.header.imports, origin=fb.origin
                )
            except FourdiacError as exc:
                raise _error(fb.origin, "FB", f"internal FB {fb.name}: {exc.reason}") from None
        return found

    # -- kinds ------------------------------------------------------------------------------

    def _meta(self, model: Any, file: str) -> dict[str, Any]:
        header = model.header
        return {
            "version": header.version,
            "description": header.description,
            "qualified_name": header.qualified_name,
            "origin": file,
        }

    def _compile(
        self, model: Any, file: str, algorithms: Sequence[Algorithm], scope: STScope
    ) -> dict[str, Callable[[Any], None]]:
        texts: dict[str, str] = {}
        lines: dict[str, int] = {}
        for algorithm in algorithms:
            if algorithm.language.upper() not in ("ST", ""):
                raise _error(
                    algorithm.origin,
                    "Algorithm",
                    f"algorithm {algorithm.name}: language {algorithm.language!r} cannot run "
                    "(only Structured Text)",
                )
            texts[algorithm.name] = algorithm.text
            lines[algorithm.name] = algorithm.text_line
        try:
            return compile_algorithms(
                model.header.name, texts, scope, origin=file, line_offsets=lines
            )
        except STError as exc:
            raise _st_error(exc, file, "Algorithm") from None

    def _internals(self, model: BasicFBType | SimpleFBType) -> tuple[list[DataPort], list[str]]:
        ports = [self._port(v) for v in model.internal_vars]
        consts = [v.name for v in model.internal_consts]
        ports.extend(self._port(v) for v in model.internal_consts)
        return ports, consts

    def _basic(self, model: BasicFBType, file: str) -> BasicType:
        itf = self.interface(model.interface)
        internals, consts = self._internals(model)
        inner = self._internal_fbs(model, file)
        adapters = self.adapter_specs(model.interface, model.header.package, model.header.imports)
        guard_texts = {
            str(i): (t.condition.guard, t.origin.line)
            for i, t in enumerate(model.ecc.transitions)
            if t.condition.guard is not None
        }
        texts = [a.text for a in model.algorithms] + [g for g, _ in guard_texts.values()]
        scope = self.scope(itf, internals, consts, inner, adapters, texts)
        algorithms = self._compile(model, file, model.algorithms, scope)
        try:
            guards, namespace = compile_guards(guard_texts, scope, origin=file)
        except STError as exc:
            raise FourdiacError(
                file, exc.line, "ECTransition", f"condition: {exc.message}"
            ) from None
        events = {e.name for e in itf.event_inputs}
        events.update(f"{s.name}.{e}" for s in adapters for e in s.event_outputs)
        sends = {e.name for e in itf.event_outputs}
        sends.update(f"{s.name}.{e}" for s in adapters for e in s.event_inputs)
        states = []
        names = {s.name for s in model.ecc.states}
        for state in model.ecc.states:
            actions = []
            for action in state.actions:
                if action.algorithm and action.algorithm not in algorithms:
                    raise _error(
                        action.origin,
                        "ECAction",
                        f"state {state.name}: unknown algorithm {action.algorithm!r}",
                    )
                if action.output and action.output not in sends:
                    raise _error(
                        action.origin,
                        "ECAction",
                        f"state {state.name}: unknown output event {action.output!r}",
                    )
                actions.append(EccAction(action.algorithm or None, action.output or None))
            states.append(EccState(state.name, tuple(actions)))
        transitions = []
        for i, tr in enumerate(model.ecc.transitions):
            for end in (tr.source, tr.destination):
                if end not in names:
                    raise _error(tr.origin, "ECTransition", f"unknown state {end!r}")
            event = tr.condition.event
            if event is not None and event not in events:
                raise _error(
                    tr.origin,
                    "ECTransition",
                    f"condition {tr.condition.text!r}: {event!r} is not an event input",
                )
            guard: bool | str = guards.get(str(i), True)
            transitions.append(
                EccTransition(tr.source, tr.destination, event, guard, tr.condition.text)
            )
        if not states:
            raise _error(model.ecc.origin, "ECC", "the ECC has no state")
        try:
            return BasicType(
                model.header.name,
                itf,
                states=states,
                transitions=transitions,
                algorithms=algorithms,
                namespace=namespace,
                internals=internals,
                internal_fbs=list(inner.items()),
                adapters=adapters,
                **self._meta(model, file),
            )
        except Exception as exc:
            raise FourdiacError(file, model.origin.line, "FBType", str(exc)) from None

    def _simple(self, model: SimpleFBType, file: str) -> SimpleType:
        itf = self.interface(model.interface)
        internals, consts = self._internals(model)
        events = {e.name for e in itf.event_inputs}
        for algorithm in model.algorithms:
            if algorithm.name not in events:
                raise _error(
                    algorithm.origin,
                    "Algorithm",
                    f"algorithm {algorithm.name!r} of a SimpleFB is not named after an event input",
                )
        inner = self._internal_fbs(model, file)
        scope = self.scope(itf, internals, consts, inner, (), [a.text for a in model.algorithms])
        algorithms = self._compile(model, file, model.algorithms, scope)
        try:
            return SimpleType(
                model.header.name,
                itf,
                algorithms=algorithms,
                kind="simple",
                internals=internals,
                internal_fbs=list(inner.items()),
                **self._meta(model, file),
            )
        except Exception as exc:
            raise FourdiacError(file, model.origin.line, "FBType", str(exc)) from None

    def _function(self, model: FunctionType, file: str) -> SimpleType:
        ret = return_pin(model.interface)
        itf = self.interface(model.interface, ret)
        if model.body is None:
            # No <FunctionBody> at all (the IDE's own Function.fct template): a valid function
            # that computes nothing; FORTE's generated code still sends every output event.
            return SimpleType(
                model.header.name,
                itf,
                algorithms={e.name: _no_body for e in itf.event_inputs},
                kind="function",
                **self._meta(model, file),
            )
        if model.body.language.upper() not in ("ST", ""):
            raise _error(
                model.body.origin,
                "FunctionBody",
                f"function body in language {model.body.language!r} cannot run "
                "(only Structured Text)",
            )
        try:
            compiled = compile_function(
                model.body.text,
                origin=file,
                line=model.body.text_line,
                scope=STScope(
                    variables={},
                    functions=self.functions(),
                    structs=self.structs.structs,
                    resolve_constant=self.constant_lookup,
                ),
            )
        except STError as exc:
            raise _st_error(exc, file, "FunctionBody") from None
        pins = {p.name.upper(): p.name for p in itf.data_ports()}

        def pin(name: str) -> str:
            found = pins.get(name.upper())
            if found is None:
                raise _error(
                    model.body.origin if model.body else model.origin,
                    "FunctionBody",
                    f"function parameter {name!r} is not a pin of the interface",
                )
            return found

        in_names = [pin(n) for n in (*compiled.inputs, *compiled.inouts)]
        out_names = [pin(n) for n in (*compiled.outputs, *compiled.inouts)]
        has_return = compiled.return_type is not None and ret in pins.values()
        fn = compiled.fn

        def body(fb: Any) -> None:
            result = fn(fb, *[getattr(fb, n) for n in in_names])
            if has_return:
                setattr(fb, ret, result[0])
            for name, value in zip(out_names, result[1:], strict=False):
                setattr(fb, name, value)

        return SimpleType(
            model.header.name,
            itf,
            algorithms={e.name: body for e in itf.event_inputs},
            kind="function",
            **self._meta(model, file),
        )

    def _service(self, model: ServiceFBType, file: str) -> FBType:
        op = operation_name(model.header.name, model.header.attribute("GenericClassName"))
        if op is not None:
            return GenericFBType(
                model.header.name,
                self.interface(model.interface),
                op,
                **self._meta(model, file),
            )
        raise FourdiacError(
            file,
            model.origin.line,
            "FBType",
            f"{model.header.name} is a service interface FB (no ECC, no network) and fbrt has "
            "no native implementation of it",
        )

    def _composite(self, model: CompositeFBType, file: str) -> FourdiacCompositeType:
        itf = self.interface(model.interface)
        package, imports = model.header.package, model.header.imports
        inner: dict[str, FBType] = {}
        returns: dict[str, str] = {}
        params: dict[str, dict[str, str]] = {}
        for fb in model.network.fbs:
            try:
                inner[fb.name] = self.get(fb.type_name, package, imports, origin=fb.origin)
            except FourdiacError as exc:
                raise _error(fb.origin, "FB", f"{fb.name}: {exc.reason}") from None
            if getattr(inner[fb.name], "kind", "") == "function":
                entry = self.library.resolve(fb.type_name, package, imports, FB_TAGS)
                fmodel = self.library.load(entry) if entry is not None else None
                if isinstance(fmodel, FunctionType):
                    returns[fb.name] = return_pin(fmodel.interface)
            params[fb.name] = {p.name: p.value for p in fb.parameters}
        for decls, is_socket in ((model.interface.sockets, True), (model.interface.plugs, False)):
            for decl in decls:
                try:
                    inner[decl.name] = self.proxy_type(
                        decl.name, decl.type_name, is_socket, package, imports
                    )
                except FourdiacError as exc:
                    raise _error(decl.origin, "AdapterDeclaration", exc.reason) from None
        connections: list[tuple[str, str]] = []
        adapter_connections: list[tuple[str, str]] = []
        for c in model.network.connections:
            source = _fix_return(c.source, returns)
            destination = _fix_return(c.destination, returns)
            if c.kind is ConnectionKind.ADAPTER:
                adapter_connections.append((source, destination))
            else:
                connections.append((source, destination))
        inner = type_generics(inner, connections, itf, params)
        blocks = []
        for fb in model.network.fbs:
            t = inner[fb.name]
            values: dict[str, Any] = {}
            for p in fb.parameters:
                port = t.interface.data_port(p.name)
                if port is None:
                    raise _error(
                        p.origin, "Parameter", f"{fb.name} ({t.name}) has no pin {p.name!r}"
                    )
                if port.type.is_generic:
                    values[p.name] = p.value
                    continue
                values[p.name] = parse_value(
                    p.value,
                    port.type,
                    p.origin.file,
                    p.origin.line,
                    f"{fb.name}.{p.name}",
                    self.constant_lookup,
                )
            blocks.append(InnerBlock(fb.name, t, values))
        for decls in (model.interface.sockets, model.interface.plugs):
            for decl in decls:
                blocks.append(InnerBlock(decl.name, inner[decl.name], {}))
        try:
            composite = FourdiacCompositeType(
                model.header.name,
                itf,
                blocks,
                connections,
                adapter_connections,
                **self._meta(model, file),
            )
            composite.create("check")
        except FourdiacError:
            raise
        except Exception as exc:
            raise FourdiacError(
                file, model.network.origin.line, "FBNetwork", f"{model.header.name}: {exc}"
            ) from None
        return composite


_GENERIC_DEFAULTS = {
    "ANY_INT": "DINT",
    "ANY_SIGNED": "DINT",
    "ANY_UNSIGNED": "UDINT",
    "ANY_BIT": "DWORD",
    "ANY_STRING": "STRING",
    "ANY_CHARS": "STRING",
    "ANY_SCHARS": "STRING",
    "ANY_WCHARS": "WSTRING",
    "ANY_CHAR": "CHAR",
    "ANY_DURATION": "TIME",
    "ANY_DATE": "DATE_AND_TIME",
}


class XmlGenericType(FBType):
    """A Basic or Simple FB from XML with ANY pins: compiled once per concrete pin typing.

    Pins no connection types take a default of their family (LREAL for numbers), so a block
    that is only given parameters still runs.
    """

    kind = "generic"

    def __init__(self, types: FourdiacTypes, model: BasicFBType | SimpleFBType, file: str) -> None:
        self.types = types
        self.model = model
        self.file = file
        self._cache: dict[tuple[tuple[str, str], ...], FBType] = {}
        self.generic_pins: dict[str, iec.GenericType] = {}
        itf = model.interface
        for var in (*itf.inputs, *itf.outputs, *itf.in_outs):
            g = iec.find_generic(var.type_name.rsplit("::", 1)[-1])
            if g is not None:
                self.generic_pins[var.name] = g
        super().__init__(
            model.header.name,
            types._generic_interface(itf),
            version=model.header.version,
            description=model.header.description,
            qualified_name=model.header.qualified_name,
            origin=file,
        )

    def specialize(self, known: Mapping[str, iec.IecType]) -> FBType:
        concrete: dict[str, iec.IecType] = {}
        family = next(
            (t for pin, t in known.items() if pin in self.generic_pins and not t.is_generic), None
        )
        for pin, g in self.generic_pins.items():
            t = known.get(pin)
            if t is None or t.is_generic or not g.accepts(t):
                t = family if family is not None and g.accepts(family) else None
            if t is None:
                t = iec.elementary(_GENERIC_DEFAULTS.get(g.name, "LREAL"))
            concrete[pin] = t
        key = tuple(sorted((p, t.name) for p, t in concrete.items()))
        found = self._cache.get(key)
        if found is None:
            found = self.types.build_typed(self.model, self.file, concrete)
            self._cache[key] = found
        return found

    def create(self, name: str) -> FBInstance:
        return self.specialize({}).create(name)


def _no_body(fb: Any) -> None:
    """The body of a function declared without one."""


def _fix_return(path: str, returns: Mapping[str, str]) -> str:
    """``FB.`` (a Function's unnamed return output) -> ``FB.OUT``."""
    if path.endswith("."):
        head = path[:-1]
        if head in returns:
            return f"{head}.{returns[head]}"
    return path
