"""Writes the bad-input catalogue: small malformed or hostile files, one per case.

    .venv/bin/python tests/bad_inputs/generate.py

The files are stored in the repository (byte for byte what this script writes); the expected
outcome of each is in MANIFEST.csv, and tests/python/test_bad_inputs.py runs them.  Run this
script again only to change a file or to rebuild the snapshots after a change of the snapshot
format (they are made by the library's own Database.save()).  Every file stays below 20 KB:
larger hostile inputs (a million nesting levels) are made at test time.
"""
import json
import struct
from pathlib import Path

HERE = Path(__file__).resolve().parent

files = {}


def put(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    assert name not in files, name
    files[name] = data


# ---- CSV, the Kolada long layout ------------------------------------------------------------

H = "kpi,municipality,period,gender,value\n"
ROWS = "U33401,1490,2022,T,77\nU33401,0138,2022,T,89\n"

put("csv_utf16_bom.csv", (H + ROWS).encode("utf-16"))  # LE with BOM, as Excel's "Unicode text"
put("csv_latin1_header_kon.csv",
    "kpi,municipality,period,kön,value\nU33401,1490,2022,T,77\n".encode("latin-1"))
put("csv_latin1_title_boras.csv",
    ("kpi,municipality,period,value,title\n"
     "U33401,1490,2022,77,Utredningstid i Borås (dagar)\n").encode("latin-1"))
put("csv_invalid_utf8_title.csv",
    b"kpi,municipality,period,value,title\nU33401,1490,2022,77,Utredningstid \xc3\x28 dagar\n")
# "/" as the overlong three-byte sequence E0 80 AF (forbidden by RFC 3629)
put("csv_overlong_utf8_title.csv",
    b"kpi,municipality,period,value,title\nU33401,1490,2022,77,Dagar \xe0\x80\xaf barn\n")
put("csv_mixed_separators.csv",
    "kpi;municipality;period;gender;value\nU33401,1490,2022,T,77\nU33401,0138,2022,T,89\n")
put("csv_comma_decimal_unquoted.csv", H + "U33401,1490,2022,T,7,1\n")
put("csv_semicolon_swedish.csv",
    "kpi;municipality;period;gender;value\nN00945;1490;2022;T;7,1\nN00945;0138;2022;T;12,5\n")
put("csv_tab_separated.csv",
    "kpi\tmunicipality\tperiod\tgender\tvalue\nN00945\t1490\t2022\tT\t7,1\nN00945\t0138\t2022\tT\t1 533\n")
put("csv_cut_in_quoted_field.csv",
    "kpi,municipality,period,value,title\nU33401,1490,2022,77,\"Utredningstid\"\n"
    "U33401,0138,2022,89,\"Utredningstid, barn och un")
put("csv_empty.csv", b"")
put("csv_only_bom.csv", b"\xef\xbb\xbf")
put("csv_only_header.csv", H)
put("csv_value_1e400.csv", H + "U33401,1490,2022,T,77\nU33401,0138,2022,T,1e400\n")
put("csv_value_40_digits.csv", H + "U33401,1490,2022,T,1234567890123456789012345678901234567890\n")
put("csv_value_310_digits.csv", H + "U33401,1490,2022,T," + "9" * 310 + "\n")
put("csv_value_nan_text.csv", H + "U33401,1490,2022,T,NaN\nU33401,0138,2022,T,89\n")
put("csv_value_inf.csv", H + "U33401,1490,2022,T,inf\n")
put("csv_value_infinity.csv", H + "U33401,1490,2022,T,77\nU33401,0138,2022,T,-Infinity\n")
put("csv_value_minus_nan.csv", H + "U33401,1490,2022,T,-nan\n")
put("csv_missing_markers.csv",
    H + "U33401,1490,2022,T,..\nU33401,0138,2022,T,.\nU33401,0114,2022,T,-\n"
        "U33401,0115,2022,T,\nU33401,0117,2022,T,0\n")
put("csv_duplicate_key.csv", H + "U33401,1490,2022,T,77\nU33401,1490,2022,T,78\n")
put("csv_duplicate_key_138_0138.csv", H + "U33401,138,2022,T,89\nU33401,0138,2022,T,91\n")
put("csv_bom_in_middle.csv", (H + "U33401,1490,2022,T,77\n\ufeffU33401,0138,2022,T,89\n").encode())
put("csv_cr_only.csv", (H + ROWS + "U33401,0114,2022,T,12\n").replace("\n", "\r"))
put("csv_cr_only_bad_value.csv", (H + ROWS + "U33401,0114,2022,T,tolv\n").replace("\n", "\r"))
put("csv_mixed_crlf_lf.csv", H.replace("\n", "\r\n") + "U33401,1490,2022,T,77\n"
    "U33401,0138,2022,T,89\r\nU33401,0114,2022,T,12\n")
put("csv_mixed_crlf_lf_bad_value.csv", H.replace("\n", "\r\n") + "U33401,1490,2022,T,77\n"
    "U33401,0138,2022,T,89\r\nU33401,0114,2022,T,tolv\r\n")
put("csv_code_as_number.csv", H + "U33401,138,2022,T,89\nU33401,14,2022,T,60\nU33401,1490,2022,T,77\n")
put("csv_unknown_gender.csv", H + "U33401,1490,2022,T,77\nU33401,1490,2022,X,75\n")
put("csv_period_garbage.csv", H + "U33401,1490,2022,T,77\nU33401,1490,år 2023,T,78\n")
put("csv_misplaced_quote.csv", H + "U33401,1490,2022,T,77\"\n")
put("csv_misplaced_quote_mid_field.csv", H + "U33401,1490,20\"22\",T,77\n")
put("csv_nul_in_value.csv", H + "U33401,1490,2022,T,7\x007\n")
put("csv_nul_in_title.csv", "kpi,municipality,period,value,title\nU33401,1490,2022,77,Utrednings\x00tid\n")
put("csv_long_field.csv",  # read with Database(max_field_bytes=64)
    "kpi,municipality,period,value,title\nU33401,1490,2022,77,Utredningstid\n"
    "U33401,0138,2022,89," + "Utredningstid " * 10 + "\n")
put("csv_too_many_columns.csv",  # read with Database(max_columns=8)
    "kpi,municipality,period,gender,value,a,b,c,d,e\nU33401,1490,2022,T,77,1,2,3,4,5\n")
put("csv_swedish_numbers.csv",
    "kpi,municipality,period,gender,value\n"
    "N00945,1490,2022,T,\"1 234,5\"\n"
    "N00946,1490,2022,T,\"\u22123,2\"\n"
    "N00947,1490,2022,T,12 %\n"
    "N00948,1490,2022,T,\"1\u00a0234,5\"\n")

# ---- CSV, wide layout (Kolada DDF dump) -------------------------------------------------------

put("csv_wide_codes_as_numbers.csv", "geo,year,u33401\n138,2022,89\n1490,2022,77\n0,2022,100\n")
put("csv_wide_latin1_name_column.csv",
    "geo,name,year,u33401\n1490,Borås,2022,77\n0138,Tyresö,2022,89\n".encode("latin-1"))
put("csv_wide_duplicate_row.csv", "geo,year,u33401\n1490,2022,77\n1490,2022,70\n")
put("csv_wide_duplicate_column.csv", "geo,year,u33401,U33401\n1490,2022,77,70\n")
# area values that are no codes: errors, not new areas whose values vanish from comparisons
put("csv_area_is_a_name.csv", H + "U33401,1490,2022,T,77\nU33401,Boras,2022,T,89\n")
put("csv_area_five_digits.csv", H + "U33401,1490,2022,T,77\nU33401,01380,2022,T,89\n")
put("csv_area_lone_g.csv", H + "U33401,1490,2022,T,77\nU33401,G,2022,T,89\n")

# ---- Kolada API JSON ------------------------------------------------------------------------------


def kolada(values, row=None):
    row = row or {"kpi": "U33401", "municipality": "1490", "period": 2022}
    return json.dumps({"count": 1, "values": [dict(row, values=values)]}, ensure_ascii=False,
                      indent=2) + "\n"


GOOD_VALUES = [{"gender": "T", "value": 77, "count": 1, "status": ""},
               {"gender": "K", "value": 80, "count": 1, "status": ""}]
good = kolada(GOOD_VALUES)
put("kolada_value_swedish_text.json", kolada([{"gender": "T", "value": "7,1", "count": 1, "status": ""}]))
put("kolada_municipality_as_number.json",
    kolada(GOOD_VALUES, {"kpi": "U33401", "municipality": 138, "period": 2022}))
cut = good.index('"gender": "K"')  # cut after the comma that opens the second value object
put("kolada_cut_mid_object.json", good[:cut])
put("kolada_values_is_string.json", kolada("77"))
put("kolada_values_null.json", kolada(None))
put("kolada_values_object.json", kolada({"gender": "T", "value": 77}))
put("kolada_value_word.json", kolada([{"gender": "T", "value": "många", "count": 1, "status": ""}]))
put("kolada_duplicate_keys.json",
    '{\n  "values": [\n    {\n      "kpi": "U33401",\n      "municipality": "1490",\n'
    '      "period": 2022,\n      "values": [\n        {"gender": "T", "value": 77, "value": 12}\n'
    '      ]\n    }\n  ]\n}\n')
put("kolada_deep_nesting_5000.json", "[" * 5000 + "]" * 5000 + "\n")
put("kolada_nan_literal.json", kolada([{"gender": "T", "value": 0}]).replace('"value": 0', '"value": NaN'))
put("kolada_value_1e400.json", kolada([{"gender": "T", "value": 0}]).replace('"value": 0', '"value": 1e400'))
put("kolada_value_infinity_text.json", kolada([{"gender": "T", "value": "Infinity"}]))
put("kolada_unknown_gender.json", kolada([{"gender": "X", "value": 77}]))
put("kolada_period_garbage.json",
    kolada(GOOD_VALUES, {"kpi": "U33401", "municipality": "1490", "period": "år 2022"}))
put("kolada_utf16_bom.json", good.encode("utf-16"))
put("kolada_latin1_kpi_title.json",
    ('{\n  "values": [\n    {"id": "U33401", "title": "Utredningstid, dagar"},\n'
     '    {"id": "U33402", "title": "Utredningstid i Borås, dagar"}\n  ]\n}\n').encode("latin-1"))
put("kolada_empty.json", b"")
# metadata is all or nothing: a group cut to one member, then an entry that cannot be applied
put("kolada_groups_kommun_code_as_group.json",
    json.dumps({"values": [{"id": "G92790", "title": "Storstäder", "members": [{"id": "0180"}]},
                           {"id": "1490", "title": "Borås som grupp", "members": [{"id": "0114"}]}]},
               ensure_ascii=False, indent=2) + "\n")
put("kolada_municipality_bad_type_last.json",
    json.dumps({"values": [{"id": "1490", "title": "Omdöpt", "type": "K"},
                           {"id": "0138", "title": "Tyresö", "type": "Q"}]},
               ensure_ascii=False, indent=2) + "\n")

# ---- SCB population -------------------------------------------------------------------------------

V1_COLUMNS = [{"code": "Region", "text": "region", "type": "d"},
              {"code": "Kon", "text": "kön", "type": "d"},
              {"code": "Tid", "text": "år", "type": "t"},
              {"code": "BE0101N1", "text": "Folkmängd", "type": "c"}]


def v1(rows):
    return json.dumps({"columns": V1_COLUMNS, "comments": [],
                       "data": [{"key": k, "values": v} for k, v in rows]},
                      ensure_ascii=False, indent=2) + "\n"


def jsonstat(values, regions=("1490", "0138"), years=("2023", "2024")):
    return json.dumps({
        "version": "2.0", "class": "dataset", "label": "Folkmängd efter region och år",
        "source": "SCB", "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
        "id": ["Region", "ContentsCode", "Tid"], "size": [len(regions), 1, len(years)],
        "dimension": {
            "Region": {"label": "region", "category": {"index": {r: i for i, r in enumerate(regions)}}},
            "ContentsCode": {"label": "tabellinnehåll", "category": {"index": {"BE0101N1": 0}}},
            "Tid": {"label": "år", "category": {"index": {y: i for i, y in enumerate(years)}}}},
        "value": values}, ensure_ascii=False, indent=2) + "\n"


pop_good = v1([(["1490", "1", "2024"], ["57000"]), (["1490", "2", "2024"], ["57500"]),
               (["0138", "1", "2024"], ["25000"]), (["0138", "2", "2024"], ["25100"])])
put("population_v1_cut.json", pop_good[:pop_good.index('"0138"')])
js_good = jsonstat([113000, 114500, 49000, 50100])
put("population_jsonstat_cut.json", js_good[:js_good.index("114500")])
put("population_v1_duplicate_cell.json",
    v1([(["1490", "1", "2024"], ["57000"]), (["1490", "2", "2024"], ["57500"]),
        (["1490", "1", "2024"], ["57000"])]))
put("population_v1_nan_text.json",
    v1([(["1490", "1", "2024"], ["NaN"]), (["1490", "2", "2024"], ["57500"])]))
put("population_v1_infinity_text.json", v1([(["1490", "1", "2024"], ["Infinity"])]))
put("population_jsonstat_value_1e400.json", jsonstat([113000, 0, 49000, 50100]).replace(
    "\n    0,\n", "\n    1e400,\n"))
put("population_v1_unknown_gender.json", v1([(["1490", "3", "2024"], ["57000"])]))
put("population_v1_swedish_numbers.json",
    v1([(["1490", "1", "2024"], ["57 000"]), (["1490", "2", "2024"], ["57\u00a0500"]),
        (["0138", "1", "2024"], [".."]), (["0138", "2", "2024"], ["25100"])]))
put("population_jsonstat_size_mismatch.json", jsonstat([113000, 114500, 49000]))
put("population_deep_nesting_5000.json", '{"columns": ' + "[" * 5000 + "]" * 5000 + "}\n")
# one cell named two ways: an error naming both cells, never a sum
put("population_v1_region_138_and_0138.json",
    v1([(["0138", "1", "2024"], ["25000"]), (["0138", "2", "2024"], ["25100"]),
        (["138", "1", "2024"], ["25000"])]))
put("population_v1_kon_1_and_man.json",
    v1([(["1490", "1", "2024"], ["57000"]), (["1490", "2", "2024"], ["57500"]),
        (["1490", "män", "2024"], ["57000"])]))
put("population_v1_kon_total_twice.json",
    v1([(["1490", "1+2", "2024"], ["114500"]), (["1490", "T", "2024"], ["114500"])]))
put("population_jsonstat_sparse_1_and_01.json",
    jsonstat({"0": 113000, "1": 114500, "01": 114500, "2": 49000, "3": 50100}))
put("population_jsonstat_sparse_plus_index.json", jsonstat({"0": 113000, "+1": 114500}))
_js = json.loads(jsonstat([113000, 114500]))
_js["id"] = ["Region", "Region", "ContentsCode", "Tid"]
_js["size"] = [1, 1, 1, 2]
_js["dimension"]["Region"]["category"]["index"] = {"1490": 0}
put("population_jsonstat_repeated_dimension.json", json.dumps(_js, ensure_ascii=False, indent=2) + "\n")

# ---- a nämnd's report as HTML ("Data for Indikator" tables) --------------------------------------

HEAD = ("<html><body>\n"
        "<table><caption>Data for Indikator 1: Väntetid, dagar</caption>\n"
        "<thead><tr><th>År</th><th>Utfall</th><th>Målvärde</th></tr></thead>\n"
        "<tbody>\n")
put("report_no_table.html", "<html><body>\n<h1>Årsredovisning 2024</h1>\n<p>Inga tabeller här.</p>\n"
    "</body></html>\n")
put("report_table_without_caption.html", HEAD.replace(
    "<caption>Data for Indikator 1: Väntetid, dagar</caption>", "") +
    "<tr><td>2023</td><td>12</td><td>10</td></tr>\n</tbody></table>\n</body></html>\n")
put("report_garbage_value.html", HEAD + "<tr><td>2023</td><td>12</td><td>10</td></tr>\n"
    "<tr><td>2024</td><td>tolv</td><td>10</td></tr>\n</tbody></table>\n</body></html>\n")
put("report_swedish_numbers.html", HEAD + "<tr><td>2023</td><td>1 234,5</td><td>&minus;3,2</td></tr>\n"
    "<tr><td>2024</td><td>\u22124,5</td><td>1&nbsp;200</td></tr>\n</tbody></table>\n"
    "<table><caption>Data for Indikator 2: Andel nöjda, %</caption>\n"
    "<thead><tr><th>År</th><th>Utfall (%)</th><th>Målvärde (%)</th></tr></thead>\n"
    "<tbody>\n<tr><td>2024</td><td>12 %</td><td>87,5 %</td></tr>\n</tbody></table>\n</body></html>\n")
put("report_omitted_end_tags.html", HEAD + "<tr><td>2023<td>12<td>10\n<tr><td>2024<td>14<td>10\n"
    "</table>\n</body></html>\n")
put("report_truncated_in_table.html", HEAD + "<tr><td>2023</td><td>12</td><td>10</td></tr>\n"
    "<tr><td>2024</td><td>14</td><td>1")
put("report_nested_table_in_cell.html", HEAD + "<tr><td>2023</td><td>12<table><tr><td>fotnot 1</td>"
    "<td>preliminärt</td></tr></table></td><td>10</td></tr>\n"
    "<tr><td>2024</td><td>14</td><td>10</td></tr>\n</tbody></table>\n</body></html>\n")
put("report_layout_table.html", "<html><body>\n<table class=\"layout\"><tr><td>\n" + HEAD[13:] +
    "<tr><td>2023</td><td>12</td><td>10</td></tr>\n<tr><td>2024</td><td>14</td><td>10</td></tr>\n"
    "</tbody></table>\n</td><td>Kommentar: väntetiden ökade.</td></tr></table>\n</body></html>\n")
put("report_extra_cell.html", HEAD + "<tr><td>2023</td><td>12</td><td>10</td><td>99</td></tr>\n"
    "</tbody></table>\n</body></html>\n")
put("report_duplicate_year.html", HEAD + "<tr><td>2023</td><td>12</td><td>10</td></tr>\n"
    "<tr><td>2023</td><td>14</td><td>10</td></tr>\n</tbody></table>\n</body></html>\n")
put("report_latin1.html", (HEAD + "<tr><td>2023</td><td>12</td><td>10</td></tr>\n"
                           "</tbody></table>\n</body></html>\n").encode("latin-1"))


# ---- snapshots ------------------------------------------------------------------------------------

def snapshots():
    import kommunbench as kb  # the installed package (make package)
    tmp = HERE / ".snapshot.tmp"
    with kb.Database(catalogue=False) as db:
        db.import_csv(H + ROWS + "U33401,1490,2021,T,..\n", source="liten")
        db.save(tmp)
    good = tmp.read_bytes()
    tmp.unlink()
    n_sections = struct.unpack_from("<I", good, 20)[0]
    table = [struct.unpack_from("<IIQQ", good, 64 + 24 * i) for i in range(n_sections)]
    value_offset = next(offset for kind, _, offset, _ in table if kind == 17)  # S_COL_VALUE

    def flip(offset):
        b = bytearray(good)
        b[offset] ^= 0x01
        return bytes(b)

    put("snapshot_good.kbsnap", good)
    put("snapshot_empty.kbsnap", b"")
    put("snapshot_truncated_in_header.kbsnap", good[:40])
    put("snapshot_truncated_after_header.kbsnap", good[:64])
    put("snapshot_truncated_in_section_table.kbsnap", good[:200])
    put("snapshot_truncated_in_columns.kbsnap", good[:value_offset + 4])
    put("snapshot_truncated_last_byte.kbsnap", good[:-1])
    put("snapshot_appended_byte.kbsnap", good + b"\n")
    put("snapshot_flipped_magic.kbsnap", flip(0))
    put("snapshot_flipped_file_size.kbsnap", flip(24))
    put("snapshot_flipped_checksum.kbsnap", flip(40))
    put("snapshot_flipped_reserved.kbsnap", flip(48))
    put("snapshot_flipped_value_byte.kbsnap", flip(value_offset + 6))  # a value's exponent
    put("snapshot_foreign_png.png",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
        b"\x1f\xf3\xffa" + bytes(64) + b"\x00\x00\x00\x00IEND\xaeB`\x82")


if __name__ == "__main__":
    snapshots()
    for name, data in sorted(files.items()):
        assert len(data) < 20 * 1024, name
        (HERE / name).write_bytes(data)
    print(f"{len(files)} files written to {HERE}")
