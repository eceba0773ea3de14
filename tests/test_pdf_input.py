"""PDF articles (read with pypdf) and the files a folder build skips, each named with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import opened, run_kg, seeded_store, stderr_lines
from kg.build import build
from kg.errors import UserError
from kg.sources import find_sources, read_source
from kg.store import stored_documents


def pdf_of(lines: list[str], title: str = "Deal news") -> bytes:
    """A small, valid one-page PDF whose text layer holds the lines (Helvetica, one line each)."""
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = "BT /F1 11 Tf 50 750 Td 14 TL " + " ".join(f"({escape(line)}) Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        f"<< /Title ({escape(title)}) >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_a_pdf_is_read_with_its_title(tmp_path):
    report = tmp_path / "report.pdf"
    report.write_bytes(pdf_of(["Novartis acquired AveXis in 2018 for USD 8.7 billion."]))
    source = read_source(report)
    assert "Novartis acquired AveXis in 2018" in source.text and source.title == "Deal news"


def test_a_folder_of_pdfs_builds_and_a_skipped_file_is_named(tmp_path, rules_nlp):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "deal.pdf").write_bytes(pdf_of(["Gilead Sciences acquired Kite Pharma in 2017 for USD 11.9 billion."]))
    (folder / "memo.docx").write_bytes(b"PK\x03\x04 not read")
    (folder / "scan.pdf").write_bytes(pdf_of([]))
    with opened(seeded_store(tmp_path / "store")) as store:
        summary = build([folder], store, rules_nlp)
        documents = stored_documents(store)
        acquirers = {str(r[0]) for r in store.query("SELECT ?a WHERE { GRAPH ?g { ?g a cgt:Document . ?a cgt:acquires ?t } }")}
    assert summary.new == 1 and [Path(d.path).name for d in documents] == ["deal.pdf"]
    assert any("memo.docx" in p and "not read" in p for p in summary.problems)
    assert any("scan.pdf" in p and "no text layer" in p for p in summary.problems)
    assert any(a.endswith("/gilead-sciences") for a in acquirers)


def test_a_broken_pdf_is_one_line(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nthis is not a pdf at all")
    with pytest.raises(UserError, match="broken.pdf"):
        read_source(broken)
    process = run_kg("extract", broken, "--model", "rules")
    assert process.returncode == 1 and len(stderr_lines(process)) == 1 and "Traceback" not in process.stderr


def test_unread_formats_are_named_only_in_folders(tmp_path):
    (tmp_path / "notes.docx").write_bytes(b"x")
    problems: list[str] = []
    assert list(find_sources([tmp_path], problems)) == [] and len(problems) == 1
