"""CSV reading: encodings, delimiters, streamed rows with physical line numbers."""

from __future__ import annotations

import codecs
import doctest
import inspect
from pathlib import Path

import pytest

from graph.normalize import (
    EXTRA_KEY,
    NormalizeError,
    SniffResult,
    header,
    parse_amount,
    read_rows,
    sniff_file,
    textio,
)


def write(tmp_path: Path, data: bytes, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_comma(tmp_path: Path) -> None:
    path = write(tmp_path, b"person_id,name,phones\np1,Budi Santoso,0812|0813\n")
    assert sniff_file(path) == SniffResult("utf-8", ",")
    assert list(read_rows(path)) == [
        (2, {"person_id": "p1", "name": "Budi Santoso", "phones": "0812|0813"})
    ]


def test_utf8_with_bom_and_crlf(tmp_path: Path) -> None:
    path = write(tmp_path, codecs.BOM_UTF8 + " Person_ID , NAME \r\np1,Désa\r\n".encode())
    sniff = sniff_file(path)
    assert sniff == SniffResult("utf-8-sig", ",")
    assert header(path, sniff) == ["person_id", "name"]  # no BOM glued to the first name
    assert list(read_rows(path, sniff)) == [(2, {"person_id": "p1", "name": "Désa"})]


def test_windows_1252_with_semicolons(tmp_path: Path) -> None:
    text = "Nama;Jumlah\nDésa Ngunut;Rp 1.500.000,-\n"
    path = write(tmp_path, text.encode("cp1252"))
    assert sniff_file(path) == SniffResult("cp1252", ";")
    rows = list(read_rows(path))
    assert rows == [(2, {"nama": "Désa Ngunut", "jumlah": "Rp 1.500.000,-"})]
    assert parse_amount(rows[0][1]["jumlah"]) == 1500000


def test_windows_1252_byte_far_into_the_file(tmp_path: Path) -> None:
    # 100 KB of ASCII first: a 64 KB sample alone would call this UTF-8.
    ascii_rows = "".join(f"{i};Budi;Rp 1.000,-\n" for i in range(6000))
    text = "id;nama;jumlah\n" + ascii_rows + "6000;Désa;Rp 2.000,-\n"
    path = write(tmp_path, text.encode("cp1252"))
    assert len(ascii_rows) > 64 * 1024
    assert sniff_file(path) == SniffResult("cp1252", ";")
    *_, last = read_rows(path)
    assert last == (6002, {"id": "6000", "nama": "Désa", "jumlah": "Rp 2.000,-"})


def test_tab_delimited(tmp_path: Path) -> None:
    path = write(tmp_path, b"from_phone\tto_phone\tat\n0812\t0813\t05/06/2023 14:30, WIB\n")
    assert sniff_file(path) == SniffResult("utf-8", "\t")
    assert list(read_rows(path)) == [
        (2, {"from_phone": "0812", "to_phone": "0813", "at": "05/06/2023 14:30, WIB"})
    ]


def test_delimiter_consistency_beats_header_count(tmp_path: Path) -> None:
    # The header alone splits into more columns on ',' but no data row agrees.
    path = write(tmp_path, b"id;note,with,commas\n1;a\n2;b\n")
    assert sniff_file(path).delimiter == ";"


def test_single_column_file_defaults_to_comma(tmp_path: Path) -> None:
    path = write(tmp_path, b"ring_id\nr1\nr2\n")
    assert sniff_file(path) == SniffResult("utf-8", ",")
    assert [row for _, row in read_rows(path)] == [{"ring_id": "r1"}, {"ring_id": "r2"}]


def test_multiline_quoted_cells_keep_physical_line_numbers(tmp_path: Path) -> None:
    lines = [
        "id,note,amount",  # 1
        '1,"first line',  # 2
        'second line, with comma",100',  # 3
        "2,plain,200",  # 4
        "",  # 5 blank
        '3,"a',  # 6
        "",  # 7 blank inside the quotes
        'b ""quoted""",300',  # 8
        "4,x,400",  # 9
    ]
    path = write(tmp_path, ("\n".join(lines) + "\n").encode())
    assert list(read_rows(path)) == [
        (2, {"id": "1", "note": "first line\nsecond line, with comma", "amount": "100"}),
        (4, {"id": "2", "note": "plain", "amount": "200"}),
        (6, {"id": "3", "note": 'a\n\nb "quoted"', "amount": "300"}),
        (9, {"id": "4", "note": "x", "amount": "400"}),
    ]


def test_multiline_with_crlf_and_semicolons(tmp_path: Path) -> None:
    data = 'id;note\r\n1;"Jl. Mawar\r\nRT 02; RW 03"\r\n2;ok\r\n'.encode("cp1252")
    path = write(tmp_path, data)
    assert sniff_file(path).delimiter == ";"
    assert list(read_rows(path)) == [
        (2, {"id": "1", "note": "Jl. Mawar\r\nRT 02; RW 03"}),
        (4, {"id": "2", "note": "ok"}),
    ]


def test_keys_lowercased_and_values_trimmed(tmp_path: Path) -> None:
    path = write(tmp_path, b" Account_ID ,BANK\n  a1 ,  BRI  \n")
    assert list(read_rows(path)) == [(2, {"account_id": "a1", "bank": "BRI"})]


def test_extra_fields_are_kept_for_rejection(tmp_path: Path) -> None:
    path = write(tmp_path, b"a,b\n1,2,3,4\n5,6\n")
    assert list(read_rows(path)) == [
        (2, {"a": "1", "b": "2", EXTRA_KEY: "3,4"}),
        (3, {"a": "5", "b": "6"}),
    ]
    assert EXTRA_KEY == "__extra__"


def test_trailing_empty_fields_are_not_extra(tmp_path: Path) -> None:
    path = write(tmp_path, b"a;b;;\n1;2;;\n3;4; ;\n")
    assert header(path) == ["a", "b"]
    assert [row for _, row in read_rows(path)] == [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]


def test_missing_fields_are_empty(tmp_path: Path) -> None:
    path = write(tmp_path, b"a,b,c\n1\n1,2\n")
    assert list(read_rows(path)) == [
        (2, {"a": "1", "b": "", "c": ""}),
        (3, {"a": "1", "b": "2", "c": ""}),
    ]


def test_blank_and_delimiter_only_lines_are_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, b"\na;b\n\n;;\n   \n1;2\n\n")
    assert list(read_rows(path)) == [(6, {"a": "1", "b": "2"})]


@pytest.mark.parametrize("data", [b"", b"\n\n", b";;\n"])
def test_missing_header(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, data)
    with pytest.raises(NormalizeError, match="^missing header: the file has no rows$"):
        list(read_rows(path))
    with pytest.raises(NormalizeError, match="^missing header"):
        header(path)


def test_duplicate_column(tmp_path: Path) -> None:
    path = write(tmp_path, b"id,Name, NAME \n1,a,b\n")
    with pytest.raises(NormalizeError) as info:
        list(read_rows(path))
    assert str(info.value) == "duplicate column 'name' in header"


def test_empty_column_name_in_the_middle(tmp_path: Path) -> None:
    path = write(tmp_path, b"id,,name\n1,2,3\n")
    with pytest.raises(NormalizeError) as info:
        header(path)
    assert str(info.value) == "empty column name in header (column 2)"


def test_reserved_column_name(tmp_path: Path) -> None:
    path = write(tmp_path, b"id,__EXTRA__\n1,2\n")
    with pytest.raises(NormalizeError, match="reserved column name '__extra__'"):
        header(path)


def test_undecodable_bytes(tmp_path: Path) -> None:
    # 0x81 is neither valid UTF-8 here nor defined in Windows-1252. Offsets:
    # "id;nama\n" is bytes 0-7, "1;D\xe9sa\n" 8-14, "2;caf" 15-19, 0x81 byte 20.
    path = write(tmp_path, b"id;nama\n1;D\xe9sa\n2;caf\x81\n")
    with pytest.raises(NormalizeError) as info:
        sniff_file(path)
    assert str(info.value) == (
        "undecodable bytes: 0x81 at byte 20 is neither UTF-8 nor Windows-1252"
    )
    with pytest.raises(NormalizeError, match="^undecodable bytes"):
        list(read_rows(path))


def test_bom_with_invalid_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, codecs.BOM_UTF8 + b"id\n1\xe9\n")
    with pytest.raises(NormalizeError) as info:
        sniff_file(path)
    assert str(info.value) == "undecodable bytes: UTF-8 BOM but invalid UTF-8 at byte 7"


def test_encoding_check_across_chunk_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With 4-byte chunks every multi-byte character is split between two reads:
    # valid UTF-8 must stay valid, and an error offset must count the split bytes.
    monkeypatch.setattr(textio, "_CHUNK_BYTES", 4)
    path = write(tmp_path, "nama\nDésa Ngunut — Tulungagung\n".encode())
    assert sniff_file(path).encoding == "utf-8"
    path = write(tmp_path, codecs.BOM_UTF8 + "id\nabé".encode() + b"\xc3(\n")
    with pytest.raises(NormalizeError, match="invalid UTF-8 at byte 10$"):
        sniff_file(path)


def test_utf16_is_refused_with_advice(tmp_path: Path) -> None:
    path = write(tmp_path, "id\tname\n1\tBudi\n".encode("utf-16"))
    with pytest.raises(NormalizeError, match="^UTF-16 file: save it as UTF-8 CSV$"):
        sniff_file(path)


def test_wrong_sniff_is_a_normalize_error(tmp_path: Path) -> None:
    path = write(tmp_path, "id\n1\nDésa\n".encode("cp1252"))
    with pytest.raises(NormalizeError) as info:
        list(read_rows(path, SniffResult("utf-8", ",")))
    assert str(info.value) == (
        "undecodable bytes: the file is not valid utf-8 (invalid continuation byte)"
    )


def test_unterminated_quote_is_an_error_not_a_swallowed_file(tmp_path: Path) -> None:
    path = write(tmp_path, b'id,note\n1,ok\n2,"never closed\n3,lost\n4,lost\n')
    rows = read_rows(path)
    assert next(rows) == (2, {"id": "1", "note": "ok"})
    with pytest.raises(NormalizeError, match="^malformed CSV at line 3: "):
        next(rows)


def test_text_after_a_closing_quote_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, b'id,note\n1,"a"b\n')
    with pytest.raises(NormalizeError, match="^malformed CSV at line 2: "):
        list(read_rows(path))


def test_quote_inside_an_unquoted_cell_is_literal(tmp_path: Path) -> None:
    path = write(tmp_path, b'id,note\n1,layar 5" rusak\n')
    assert list(read_rows(path)) == [(2, {"id": "1", "note": 'layar 5" rusak'})]


def test_read_rows_is_lazy(tmp_path: Path) -> None:
    # A generator: nothing is read (or sniffed) until the first row is asked for.
    rows = read_rows(tmp_path / "does-not-exist.csv")
    assert inspect.isgenerator(rows)
    with pytest.raises(FileNotFoundError):
        next(rows)


def test_docstring_examples() -> None:
    assert doctest.testmod(textio).failed == 0


def test_full_width_records_read_as_padded_ones(tmp_path: Path) -> None:
    """read_rows builds a full-width record's dict directly; _row (padding, overflow)
    must give the same for every width."""
    import csv as _csv

    from graph.normalize import textio

    lines = ["a;b;c", " 1 ;2;3", "4;5", "6;7;8;9", "x ; y ;z;", ";;;q", "7;8;9;;"]
    path = write(tmp_path, "\n".join(lines).encode() + b"\n")
    got = list(read_rows(path))
    columns = ["a", "b", "c"]
    fields = list(_csv.reader(lines[1:], delimiter=";"))
    assert [row for _, row in got] == [textio._row(columns, f, ";") for f in fields]
