"""The one separator guess every CSV reader and writer of ours uses."""

from __future__ import annotations

import pytest

from report_builder.data.encoding import sniff_separator


@pytest.mark.parametrize(("text", "separator"), [
    ("deal_id,name,stage\nD1;x,y", ","),  # only the header line counts
    ("Deal ID;Name;Amount\r\n1;Acme;1,5", ";"),
    ("deal_id\tname\tstage", "\t"),
    ("deal_id|name|stage", "|"),
    ('"Name, legal";Amount;Stage', ";"),  # the most frequent wins
    ("deal_id", ","),  # one column: nothing to tell, a comma
    ("", ","),
])
def test_sniff_separator(text: str, separator: str) -> None:
    assert sniff_separator(text) == separator
