"""Turn one parsed 4diac XML document into a model element, dispatching on the root tag.

The root element decides the kind (a ``.res`` whose DOCTYPE says FBType is still a ResourceType);
the file extension only decides whether a library scan looks at the file at all.  Unknown child
elements are ignored, as the IDE importer ignores them; a missing required attribute raises a
:class:`FourdiacError` naming the element and its line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from lxml import etree

from fbruntime.fourdiac.conditions import parse_condition
from fbruntime.fourdiac.errors import FourdiacError, Origin, Problem
from fbruntime.fourdiac.model import (
    ECC,
    Action,
    AdapterDecl,
    AdapterType,
    Algorithm,
    Application,
    Attribute,
    AttributeDeclaration,
    BasicFBType,
    CompositeFBType,
    Connection,
    ConnectionKind,
    DataType,
    Device,
    DeviceType,
    EventDecl,
    FBInstance,
    FunctionType,
    GlobalConstants,
    Header,
    Identification,
    Interface,
    LibraryElement,
    Link,
    Mapping,
    Network,
    Parameter,
    Resource,
    ResourceType,
    Segment,
    SegmentType,
    ServiceFBType,
    SimpleFBType,
    State,
    SubAppInstance,
    SubAppType,
    SystemConfiguration,
    Transition,
    VarDecl,
    VersionInfo,
)
from fbruntime.fourdiac.xmlread import line_of, parse_bytes, parse_file

ROOT_TAGS = frozenset(
    {
        "FBType",
        "AdapterType",
        "SubAppType",
        "Function",
        "DataType",
        "GlobalConstants",
        "System",
        "DeviceType",
        "ResourceType",
        "SegmentType",
        "AttributeDeclaration",
    }
)

_CONNECTION_GROUPS = {
    "EventConnections": ConnectionKind.EVENT,
    "DataConnections": ConnectionKind.DATA,
    "AdapterConnections": ConnectionKind.ADAPTER,
}


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _Reader:
    """Holds the file name so every helper can make origins and errors without passing it."""

    def __init__(self, file: str, problems: list[Problem] | None) -> None:
        self.file = file
        self.problems = problems if problems is not None else []

    def tolerate(self, element: etree._Element, message: str) -> None:
        self.problems.append(Problem(self.file, line_of(element), str(element.tag), message))

    # -- small helpers ------------------------------------------------------------------

    def origin(self, element: etree._Element) -> Origin:
        return Origin(self.file, line_of(element))

    def required(self, element: etree._Element, name: str) -> str:
        value = element.get(name)
        if value is None:
            raise FourdiacError(
                self.file,
                line_of(element),
                str(element.tag),
                f"missing required attribute {name!r}",
            )
        return value

    @staticmethod
    def children(element: etree._Element, *tags: str) -> Iterator[etree._Element]:
        for child in element:
            if child.tag in tags:
                yield child

    @staticmethod
    def child(element: etree._Element, *tags: str) -> etree._Element | None:
        for child in element:
            if child.tag in tags:
                return child
        return None

    # -- header -------------------------------------------------------------------------

    def attributes(self, element: etree._Element) -> tuple[Attribute, ...]:
        return tuple(
            Attribute(
                self.required(a, "Name"),
                a.get("Type", ""),
                a.get("Value", "") if a.get("Value") is not None else (a.text or "").strip(),
                a.get("Comment", ""),
                self.origin(a),
            )
            for a in self.children(element, "Attribute")
        )

    def header(self, root: etree._Element) -> Header:
        ident = self.child(root, "Identification")
        identification = (
            Identification(
                ident.get("Standard", ""),
                ident.get("Classification", ""),
                ident.get("ApplicationDomain", ""),
                ident.get("Function", ""),
                ident.get("Type", ""),
                normalise_newlines(ident.get("Description", "")),
            )
            if ident is not None
            else Identification()
        )
        versions = tuple(
            VersionInfo(
                v.get("Organization", ""),
                v.get("Version", ""),
                v.get("Author", ""),
                v.get("Date", ""),
                v.get("Remarks", ""),
            )
            for v in self.children(root, "VersionInfo")
        )
        package = ""
        imports: list[str] = []
        compiler = self.child(root, "CompilerInfo")
        if compiler is not None:
            package = compiler.get("packageName", "").strip()
            imports = [
                self.required(i, "declaration").strip() for i in self.children(compiler, "Import")
            ]
        return Header(
            name=self.required(root, "Name"),
            comment=normalise_newlines(root.get("Comment", "")),
            package=package,
            imports=tuple(imports),
            identification=identification,
            versions=versions,
            attributes=self.attributes(root),
        )

    # -- interface ----------------------------------------------------------------------

    def event(self, element: etree._Element) -> EventDecl:
        return EventDecl(
            self.required(element, "Name"),
            element.get("Type", "Event"),
            normalise_newlines(element.get("Comment", "")),
            tuple(self.required(w, "Var") for w in self.children(element, "With")),
            self.origin(element),
        )

    def var(self, element: etree._Element) -> VarDecl:
        if element.tag != "VarDeclaration":
            raise FourdiacError(
                self.file, line_of(element), str(element.tag), "expected a VarDeclaration"
            )
        array_size = element.get("ArraySize")
        return VarDecl(
            element.get("Name", "")
            if element.get("Name") == ""
            else self.required(element, "Name"),
            self.required(element, "Type"),
            array_size if array_size not in (None, "") else None,
            element.get("InitialValue"),
            normalise_newlines(element.get("Comment", "")),
            self.origin(element),
        )

    def vars_in(self, element: etree._Element | None) -> tuple[VarDecl, ...]:
        if element is None:
            return ()
        return tuple(self.var(v) for v in self.children(element, "VarDeclaration"))

    def adapters_in(self, element: etree._Element | None) -> tuple[AdapterDecl, ...]:
        if element is None:
            return ()
        return tuple(
            AdapterDecl(
                self.required(a, "Name"),
                self.required(a, "Type"),
                normalise_newlines(a.get("Comment", "")),
                self.origin(a),
            )
            for a in self.children(element, "AdapterDeclaration")
        )

    def interface(self, element: etree._Element | None) -> Interface:
        if element is None:
            return Interface()

        def events(*tags: str) -> tuple[EventDecl, ...]:
            group = self.child(element, *tags)
            if group is None:
                return ()
            return tuple(self.event(e) for e in self.children(group, "Event", "SubAppEvent"))

        return Interface(
            event_inputs=events("EventInputs", "SubAppEventInputs"),
            event_outputs=events("EventOutputs", "SubAppEventOutputs"),
            inputs=self.vars_in(self.child(element, "InputVars")),
            outputs=self.vars_in(self.child(element, "OutputVars")),
            in_outs=self.vars_in(self.child(element, "InOutVars")),
            sockets=self.adapters_in(self.child(element, "Sockets")),
            plugs=self.adapters_in(self.child(element, "Plugs")),
        )

    # -- networks -----------------------------------------------------------------------

    def parameters(self, element: etree._Element) -> tuple[Parameter, ...]:
        return tuple(
            Parameter(
                self.required(p, "Name"),
                self.required(p, "Value"),
                p.get("Comment", ""),
                self.origin(p),
            )
            for p in self.children(element, "Parameter")
        )

    def fb(self, element: etree._Element) -> FBInstance:
        return FBInstance(
            self.required(element, "Name"),
            self.required(element, "Type"),
            normalise_newlines(element.get("Comment", "")),
            self.parameters(element),
            self.attributes(element),
            self.origin(element),
            *_position(element),
        )

    def subapp(self, element: etree._Element) -> SubAppInstance:
        type_name = element.get("Type") or None
        interface_element = self.child(element, "SubAppInterfaceList")
        network_element = self.child(element, "SubAppNetwork")
        return SubAppInstance(
            self.required(element, "Name"),
            type_name,
            normalise_newlines(element.get("Comment", "")),
            self.interface(interface_element) if interface_element is not None else None,
            self.network(network_element) if network_element is not None else None,
            self.parameters(element),
            self.attributes(element),
            self.origin(element),
            *_position(element),
        )

    def network(self, element: etree._Element) -> Network:
        fbs: list[FBInstance] = []
        subapps: list[SubAppInstance] = []
        connections: list[Connection] = []

        def collect(container: etree._Element) -> None:
            for child in container:
                tag = child.tag
                if tag == "FB":
                    fbs.append(self.fb(child))
                elif tag == "SubApp":
                    subapps.append(self.subapp(child))
                elif tag == "Group":
                    # Groups are layout only; some IDE versions nest members inside them.
                    collect(child)
                elif isinstance(tag, str) and tag in _CONNECTION_GROUPS:
                    kind = _CONNECTION_GROUPS[tag]
                    for c in self.children(child, "Connection"):
                        if c.get("Source") is None or c.get("Destination") is None:
                            # Real IDE-written files contain dangling connections; the IDE
                            # drops them on import, and so do we.
                            missing = "Source" if c.get("Source") is None else "Destination"
                            self.tolerate(c, f"connection without {missing} ignored")
                            continue
                        connections.append(
                            Connection(
                                kind,
                                self.required(c, "Source"),
                                self.required(c, "Destination"),
                                normalise_newlines(c.get("Comment", "")),
                                self.attributes(c),
                                self.origin(c),
                            )
                        )

        collect(element)
        return Network(tuple(fbs), tuple(subapps), tuple(connections), self.origin(element))

    # -- behaviour ----------------------------------------------------------------------

    def algorithm(self, element: etree._Element) -> Algorithm:
        body = self.child(element, "ST", "Other", "FBD", "LD")
        name = self.required(element, "Name")
        comment = normalise_newlines(element.get("Comment", ""))
        if body is None:
            return Algorithm(name, "", "", comment, line_of(element), self.origin(element))
        language = "ST" if body.tag == "ST" else str(body.tag)
        if body.tag == "Other":
            language = body.get("Language", "")
        text = body.get("Text")
        if text is None:
            text = body.text or ""
        return Algorithm(
            name,
            language,
            normalise_newlines(text),
            comment,
            line_of(body) or line_of(element),
            self.origin(element),
        )

    def ecc(
        self, element: etree._Element | None, interface: Interface, owner: etree._Element
    ) -> ECC:
        if element is None:
            return ECC((), (), self.origin(owner))
        states = tuple(
            State(
                self.required(s, "Name"),
                normalise_newlines(s.get("Comment", "")),
                tuple(
                    Action(a.get("Algorithm") or None, a.get("Output") or None, self.origin(a))
                    for a in self.children(s, "ECAction")
                ),
                self.origin(s),
            )
            for s in self.children(element, "ECState")
        )
        events = [e.name for e in interface.event_inputs]
        adapters = [a.name for a in (*interface.sockets, *interface.plugs)]
        transitions = tuple(
            Transition(
                self.required(t, "Source"),
                self.required(t, "Destination"),
                parse_condition(self.required(t, "Condition"), events, adapters),
                normalise_newlines(t.get("Comment", "")),
                self.origin(t),
            )
            for t in self.children(element, "ECTransition")
        )
        return ECC(states, transitions, self.origin(element))

    # -- kinds --------------------------------------------------------------------------

    def fb_type(self, root: etree._Element) -> LibraryElement:
        header = self.header(root)
        interface = self.interface(self.child(root, "InterfaceList"))
        origin = self.origin(root)
        basic = self.child(root, "BasicFB")
        if basic is not None:
            internals = self.child(basic, "InternalVars")
            return BasicFBType(
                header,
                interface,
                self.vars_in(internals),
                self.vars_in(self.child(basic, "InternalConstVars")),
                tuple(self.fb(f) for f in self.children(internals, "FB"))
                if internals is not None
                else (),
                self.ecc(self.child(basic, "ECC"), interface, basic),
                tuple(self.algorithm(a) for a in self.children(basic, "Algorithm")),
                tuple(self.algorithm(m) for m in self.children(basic, "Method")),
                origin,
            )
        simple = self.child(root, "SimpleFB")
        if simple is not None:
            internals = self.child(simple, "InternalVars")
            return SimpleFBType(
                header,
                interface,
                self.vars_in(internals),
                self.vars_in(self.child(simple, "InternalConstVars")),
                tuple(self.fb(f) for f in self.children(internals, "FB"))
                if internals is not None
                else (),
                tuple(self.algorithm(a) for a in self.children(simple, "Algorithm")),
                tuple(self.algorithm(m) for m in self.children(simple, "Method")),
                origin,
            )
        network = self.child(root, "FBNetwork")
        if network is not None:
            return CompositeFBType(header, interface, self.network(network), origin)
        has_service = self.child(root, "Service") is not None
        return ServiceFBType(header, interface, has_service, origin)

    def function(self, root: etree._Element) -> FunctionType:
        body_element = self.child(root, "FunctionBody")
        body: Algorithm | None = None
        if body_element is not None:
            st = self.child(body_element, "ST", "Other")
            if st is not None:
                text = st.get("Text")
                body = Algorithm(
                    self.required(root, "Name"),
                    "ST" if st.tag == "ST" else st.get("Language", ""),
                    normalise_newlines(text if text is not None else (st.text or "")),
                    "",
                    line_of(st),
                    self.origin(body_element),
                )
        return FunctionType(
            self.header(root),
            self.interface(self.child(root, "InterfaceList")),
            body,
            self.origin(root),
        )

    def adapter_type(self, root: etree._Element) -> AdapterType:
        return AdapterType(
            self.header(root), self.interface(self.child(root, "InterfaceList")), self.origin(root)
        )

    def subapp_type(self, root: etree._Element) -> SubAppType:
        network = self.child(root, "SubAppNetwork", "FBNetwork")
        return SubAppType(
            self.header(root),
            self.interface(self.child(root, "SubAppInterfaceList", "InterfaceList")),
            self.network(network)
            if network is not None
            else Network((), (), (), self.origin(root)),
            self.origin(root),
        )

    def data_type(self, root: etree._Element) -> DataType:
        struct = self.child(root, "StructuredType")
        derived = self.child(root, "DirectlyDerivedType")
        return DataType(
            self.header(root),
            self.vars_in(struct),
            struct is not None,
            derived.get("BaseType") if derived is not None else None,
            self.origin(root),
        )

    def global_constants(self, root: etree._Element) -> GlobalConstants:
        source = self.child(root, "OriginalSource")
        return GlobalConstants(
            self.header(root),
            self.vars_in(self.child(root, "GlobalConstants")),
            normalise_newlines(source.text or "") if source is not None else None,
            self.origin(root),
        )

    def resource(self, element: etree._Element) -> Resource:
        network = self.child(element, "FBNetwork")
        return Resource(
            self.required(element, "Name"),
            element.get("Type", ""),
            normalise_newlines(element.get("Comment", "")),
            self.parameters(element),
            self.attributes(element),
            self.network(network)
            if network is not None
            else Network((), (), (), self.origin(element)),
            self.origin(element),
        )

    def system(self, root: etree._Element) -> SystemConfiguration:
        applications = []
        for app in self.children(root, "Application"):
            network = self.child(app, "SubAppNetwork", "FBNetwork")
            applications.append(
                Application(
                    self.required(app, "Name"),
                    normalise_newlines(app.get("Comment", "")),
                    self.network(network)
                    if network is not None
                    else Network((), (), (), self.origin(app)),
                    self.origin(app),
                )
            )
        devices = tuple(
            Device(
                self.required(d, "Name"),
                d.get("Type", ""),
                normalise_newlines(d.get("Comment", "")),
                self.parameters(d),
                self.attributes(d),
                tuple(self.resource(r) for r in self.children(d, "Resource")),
                self.origin(d),
            )
            for d in self.children(root, "Device")
        )
        segments = tuple(
            Segment(
                self.required(s, "Name"),
                s.get("Type", ""),
                normalise_newlines(s.get("Comment", "")),
                self.parameters(s),
                self.attributes(s),
                self.origin(s),
            )
            for s in self.children(root, "Segment")
        )
        links = tuple(
            Link(
                self.required(link, "SegmentName"),
                self.required(link, "CommResource"),
                link.get("Comment", ""),
                self.origin(link),
            )
            for link in self.children(root, "Link")
        )
        mappings = tuple(
            Mapping(self.required(m, "From"), self.required(m, "To"), self.origin(m))
            for m in self.children(root, "Mapping")
        )
        return SystemConfiguration(
            self.header(root),
            tuple(applications),
            devices,
            segments,
            links,
            mappings,
            self.origin(root),
        )

    def device_type(self, root: etree._Element) -> DeviceType:
        network = self.child(root, "FBNetwork")
        return DeviceType(
            self.header(root),
            self.vars_in(root),
            tuple(self.resource(r) for r in self.children(root, "Resource")),
            self.network(network) if network is not None else None,
            self.origin(root),
        )

    def resource_type(self, root: etree._Element) -> ResourceType:
        network = self.child(root, "FBNetwork")
        return ResourceType(
            self.header(root),
            self.vars_in(root),
            self.network(network) if network is not None else None,
            self.origin(root),
        )

    def segment_type(self, root: etree._Element) -> SegmentType:
        return SegmentType(self.header(root), self.vars_in(root), self.origin(root))

    def attribute_declaration(self, root: etree._Element) -> AttributeDeclaration:
        derived = self.child(root, "DirectlyDerivedType")
        type_name = root.get("Type", "")
        if derived is not None:
            type_name = derived.get("BaseType", type_name)
        return AttributeDeclaration(self.header(root), type_name, self.origin(root))


_DISPATCH: dict[str, Callable[[_Reader, etree._Element], LibraryElement]] = {
    "FBType": _Reader.fb_type,
    "AdapterType": _Reader.adapter_type,
    "SubAppType": _Reader.subapp_type,
    "Function": _Reader.function,
    "DataType": _Reader.data_type,
    "GlobalConstants": _Reader.global_constants,
    "System": _Reader.system,
    "DeviceType": _Reader.device_type,
    "ResourceType": _Reader.resource_type,
    "SegmentType": _Reader.segment_type,
    "AttributeDeclaration": _Reader.attribute_declaration,
}


def read_element(
    root: etree._Element, file: str, problems: list[Problem] | None = None
) -> LibraryElement:
    """Build the model of an already parsed document; the root tag decides the kind.

    Defects the IDE tolerates (dangling connections) are appended to *problems* instead of
    raising.
    """
    tag = root.tag if isinstance(root.tag, str) else ""
    handler = _DISPATCH.get(tag)
    if handler is None:
        raise FourdiacError(
            file,
            line_of(root),
            tag,
            f"unknown root element <{tag}>; expected one of {', '.join(sorted(ROOT_TAGS))}",
        )
    return handler(_Reader(file, problems), root)


def read_file(path: str | Path, problems: list[Problem] | None = None) -> LibraryElement:
    """Read one 4diac file safely and return its model."""
    return read_element(parse_file(path), str(path), problems)


def read_bytes(
    data: bytes, file: str = "<memory>", problems: list[Problem] | None = None
) -> LibraryElement:
    """Read 4diac XML held in memory; *file* names it in errors."""
    return read_element(parse_bytes(data, file), file, problems)


def _position(element: etree._Element) -> tuple[float | None, float | None]:
    """The editor's ``x``/``y`` of an FB or subapp (layout only: unreadable means unknown)."""
    try:
        x, y = element.get("x"), element.get("y")
        return (float(x), float(y)) if x is not None and y is not None else (None, None)
    except ValueError:
        return None, None
