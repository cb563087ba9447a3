"""CSV_WRITER_1 .. CSV_WRITER_10: append one line of the SD_n values to a file on each REQ.

The 4diac utils library's writers (FORTE ``GEN_CSV_WRITER.cpp``, one generic C++ class for every
``CSV_WRITER_<n>``). FORTE's behaviour, kept here:

* INIT with QI TRUE opens FILE_NAME for writing, creating or *truncating* it (``fopen "w+"``);
  the name is relative to the process's working directory. QO := TRUE and STATUS := 'OK', or
  QO := FALSE and STATUS := the system's error text ('No such file or directory'). INIT while a
  file is open leaves it open and answers QO := FALSE, STATUS := 'File already opened'.
* INIT with QI FALSE closes the file (QO := FALSE, STATUS := 'OK'); with no file open only QO
  changes. INITO is sent either way.
* REQ: QO := QI; with QI TRUE the line is written: each SD value as FORTE's ``toString`` writes
  it (an IEC literal: ``'text'``, ``TRUE``, ``T#1s``) followed by ``'; '``, then a newline. With
  no file open QO := FALSE and STATUS := 'File not opened'. CNF is sent either way.

An SD pin is ANY: its value is written as the type of the output connected to it, or, when it
is unconnected, as the type its Python value suggests. Where fbrt differs: each line is flushed
(the file can be watched while it grows), a failing write answers QO := FALSE with the error text
instead of being ignored, and the file is closed when the resource stops or is killed. The ten
widths live in this one file because they share everything but the number of SD pins; the file
stands for CSV_WRITER_1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput
from fbruntime.iec import IecType, format_value, type_of_value

OK = "OK"
ALREADY_OPEN = "File already opened"
NOT_OPEN = "File not opened"

WIDTHS = range(1, 11)  # the 4diac library ships CSV_WRITER_1 .. CSV_WRITER_10


class _CsvWriting:
    """What every width shares; the pins are declared by each CSV_WRITER_n class."""

    QI: bool
    FILE_NAME: str
    QO: bool
    STATUS: str
    INITO: Callable[[], None]
    CNF: Callable[[], None]
    sd_pins: tuple[str, ...] = ()
    _file: IO[str] | None
    rt__source_type: Callable[[str], IecType | None]

    def setup(self) -> None:
        self._close_quietly()

    def on_INIT(self) -> None:
        if self.QI:
            self._open()
        else:
            self._close()
        self.INITO()

    def on_REQ(self) -> None:
        self.QO = self.QI
        if self.QI:
            self._write_line()
        self.CNF()

    def rt__on_kill(self) -> None:
        self._close_quietly()
        super().rt__on_kill()  # type: ignore[misc]

    def _open(self) -> None:
        self.QO = False
        if self._file is not None:
            self.STATUS = ALREADY_OPEN
            return
        try:
            self._file = open(self.FILE_NAME, "w", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            self.STATUS = _error_text(exc)
            return
        self.QO = True
        self.STATUS = OK

    def _close(self) -> None:
        self.QO = False
        file = self._file
        if file is None:
            return
        self._file = None
        try:
            file.close()
        except OSError as exc:
            self.STATUS = _error_text(exc)
            return
        self.STATUS = OK

    def _close_quietly(self) -> None:
        file = getattr(self, "_file", None)
        self._file = None
        if file is not None:
            try:
                file.close()
            except OSError:
                pass

    def _write_line(self) -> None:
        file = self._file
        if file is None:
            self.QO = False
            self.STATUS = NOT_OPEN
            return
        line = "".join(f"{self._text(pin)}; " for pin in self.sd_pins) + "\n"
        try:
            file.write(line)
            file.flush()
        except OSError as exc:
            self.QO = False
            self.STATUS = _error_text(exc)

    def _text(self, pin: str) -> str:
        value = getattr(self, pin)
        if value is None:
            return ""
        typ = self.rt__source_type(pin)
        if typ is None or typ.is_generic:
            typ = type_of_value(value)
        return format_value(typ, value)


def _error_text(exc: OSError) -> str:
    """The C library's message, as FORTE's ``strerror(errno)``."""
    return exc.strerror or str(exc)


class CSV_WRITER_1(_CsvWriting, Block):
    name = "CSV_WRITER_1"
    version = "1.0"
    description = "Writes SD_1 as one line of a CSV file on each REQ"

    INIT = EventInput(with_=("QI", "FILE_NAME"), comment="Service Initialization")
    REQ = EventInput(with_=("QI", "SD_1"), comment="Service Request")
    INITO = EventOutput(with_=("QO", "STATUS"), comment="Initialization Confirm")
    CNF = EventOutput(with_=("QO", "STATUS"), comment="Confirmation of Requested Service")
    QI = DataInput("BOOL", comment="Event Input Qualifier")
    FILE_NAME = DataInput("STRING", comment="Service Parameters")
    SD_1 = DataInput("ANY", comment="Output data to resource")
    QO = DataOutput("BOOL", comment="Event Output Qualifier")
    STATUS = DataOutput("STRING", comment="File access status")

    sd_pins = ("SD_1",)


def _wider(width: int) -> type[Block]:
    """CSV_WRITER_<width>: CSV_WRITER_1 with SD_2 .. SD_<width> added and sampled by REQ."""
    sd = tuple(f"SD_{i}" for i in range(1, width + 1))
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "__doc__": f"CSV_WRITER_1 with {width} SD inputs.",
        "name": f"CSV_WRITER_{width}",
        "description": f"Writes SD_1 .. SD_{width} as one line of a CSV file on each REQ",
        "sd_pins": sd,
        "REQ": EventInput(with_=("QI", *sd), comment="Service Request"),
    }
    for pin in sd[1:]:
        namespace[pin] = DataInput("ANY", comment="Output data to resource")
    return type(f"CSV_WRITER_{width}", (CSV_WRITER_1,), namespace)


for _width in WIDTHS[1:]:
    globals()[f"CSV_WRITER_{_width}"] = _wider(_width)
