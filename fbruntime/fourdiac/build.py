"""The resolver of 4diac FB types: names to ``fbruntime.core`` types, built once and cached.

:class:`FourdiacTypes` is what everything that needs a type by name uses (the loader of systems,
the management protocol, ``fbrt types``): XML folders plus the native library, resolved the IDE's
way (plain, qualified or deployed ``a__b__C`` names), built once and cached. A type with a native
implementation uses it, as FORTE uses its compiled-in types, unless ``prefer_xml`` asks for the
XML (the differential conformance test runs both).

It also holds what every kind of type is built from: the runtime interface, internal variables
and FBs, adapter specs and proxies, the library's functions and constants, and the Structured
Text scope. The kinds themselves are built elsewhere: :mod:`fbruntime.fourdiac.kinds` (Basic,
Simple, Function, Service), :mod:`fbruntime.fourdiac.composite`,
:mod:`fbruntime.fourdiac.specialize` (types with ANY pins) and :mod:`fbruntime.fourdiac.adapters`
(plug and socket joined at run time). Names those modules define are re-exported here, where
callers have always imported them. Every failure is a :class:`FourdiacError` naming file, line
and element.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fbruntime import iec
from fbruntime.core import FBType
from fbruntime.core.ecc import AdapterProxyType, AdapterSpec, register_passthrough
from fbruntime.core.interface import AdapterPort, DataPort, EventPort
from fbruntime.core.interface import Interface as CoreInterface
from fbruntime.fourdiac.adapters import connect_adapters
from fbruntime.fourdiac.composite import FourdiacCompositeType, build_composite
from fbruntime.fourdiac.configured import resolve_configured
from fbruntime.fourdiac.constants import ConstantLookup, NameContext
from fbruntime.fourdiac.elementerrors import error_at, st_error
from fbruntime.fourdiac.errors import FourdiacError, Origin, Problem
from fbruntime.fourdiac.iectypes import StructTable, initial_value
from fbruntime.fourdiac.kinds import (
    RETURN_PIN_CANDIDATES,
    build_basic,
    build_function,
    build_service,
    build_simple,
    return_pin,
)
from fbruntime.fourdiac.library import FB_TAGS, TypeEntry, TypeLibrary
from fbruntime.fourdiac.model import (
    AdapterType,
    BasicFBType,
    CompositeFBType,
    FunctionType,
    GlobalConstants,
    Interface,
    LibraryElement,
    ServiceFBType,
    SimpleFBType,
    VarDecl,
)
from fbruntime.fourdiac.specialize import Specializable, XmlGenericType, type_generics
from fbruntime.st import (
    CallableInterface,
    CompiledFunction,
    STError,
    STRuntimeError,
    STScope,
    VarInfo,
    compile_function,
)

__all__ = [
    "RETURN_PIN_CANDIDATES",
    "FourdiacCompositeType",
    "FourdiacTypes",
    "Specializable",
    "XmlGenericType",
    "connect_adapters",
    "return_pin",
    "type_generics",
]

register_passthrough(STRuntimeError)


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
        # A library that already looks names up in capitals (fbruntime.builtin's, which builds a
        # type only when it is asked for) is kept as it is rather than copied, which would build
        # every type it holds.
        self.native: Mapping[str, FBType] = (
            native
            if getattr(native, "case_insensitive", False)
            else {name.upper(): t for name, t in native.items()}
        )
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
                return build_basic(self, model, file)
            return build_simple(self, model, file)
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
        """The runtime type called ``name`` (as written in an element of ``package``).

        A name no library holds may be the deployed name of a configured generic FB
        (``STRUCT_MUX_1Point``, :func:`~fbruntime.fourdiac.configured.resolve_configured`).
        """
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
            configured = resolve_configured(self, name, package, imports)
            if configured is not None:
                return configured
            where = origin or Origin("", 0)
            raise error_at(where, "FB", f"type {name!r}: {resolution.how}")
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
                build_basic(self, model, file)
                if isinstance(model, BasicFBType)
                else build_simple(self, model, file)
            )
        if isinstance(model, FunctionType):
            return build_function(self, model, file)
        if isinstance(model, CompositeFBType):
            return build_composite(self, model, file)
        if isinstance(model, ServiceFBType):
            return build_service(self, model, file)
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
            raise error_at(origin, "InterfaceList", str(exc)) from None

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
                    raise error_at(
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
                    self.problems.append(st_error(exc, entry.file, "FunctionBody").problem)
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

    def internal_fbs(self, model: BasicFBType | SimpleFBType, file: str) -> dict[str, FBType]:
        found: dict[str, FBType] = {}
        for fb in model.internal_fbs:
            try:
                found[fb.name] = self.get(
                    fb.type_name, model.header.package, model.header.imports, origin=fb.origin
                )
            except FourdiacError as exc:
                raise error_at(fb.origin, "FB", f"internal FB {fb.name}: {exc.reason}") from None
        return found

    def internals(self, model: BasicFBType | SimpleFBType) -> tuple[list[DataPort], list[str]]:
        ports = [self._port(v) for v in model.internal_vars]
        consts = [v.name for v in model.internal_consts]
        ports.extend(self._port(v) for v in model.internal_consts)
        return ports, consts
