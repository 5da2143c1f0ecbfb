# lib-xlsx.py OUT.xlsx ROWS.tsv: writes a minimal workbook the way Excel lays one
# out, with nothing but python3's zipfile: a tab-separated cell is a shared string,
# "#n:2.5" a number, "#d:46329" a number formatted as a date (a custom
# yyyy"年"m"月"d"日" format), "#i:text" an inline string, "#e:#N/A" an error cell;
# an empty cell is left out, as Excel does.
import sys, zipfile
from xml.sax.saxutils import escape
out, rows = sys.argv[1], [l.rstrip('\n').split('\t') for l in open(sys.argv[2], encoding='utf-8')]
strings, sheet = [], []
def col(i):
    s = ''
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s
for r, row in enumerate(rows, 1):
    cells = []
    for c, v in enumerate(row):
        ref = '%s%d' % (col(c), r)
        if v == '':
            continue
        if v.startswith('#n:'):
            cells.append('<c r="%s"><v>%s</v></c>' % (ref, v[3:]))
        elif v.startswith('#d:'):
            cells.append('<c r="%s" s="1"><v>%s</v></c>' % (ref, v[3:]))
        elif v.startswith('#e:'):
            cells.append('<c r="%s" t="e"><v>%s</v></c>' % (ref, escape(v[3:])))
        elif v.startswith('#i:'):
            cells.append('<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, escape(v[3:])))
        else:
            strings.append(v)
            cells.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, len(strings) - 1))
    sheet.append('<row r="%d">%s</row>' % (r, ''.join(cells)))
ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
z = zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED)
z.writestr('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
z.writestr('xl/workbook.xml', '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="%s" xmlns:r="%s"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>' % (ns, rel))
z.writestr('xl/_rels/workbook.xml.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/></Relationships>' % rel)
z.writestr('xl/styles.xml', '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="%s"><numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="176" applyNumberFormat="1"/></cellXfs></styleSheet>' % ns)
z.writestr('xl/sharedStrings.xml', '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="%s" count="%d" uniqueCount="%d">%s</sst>' % (ns, len(strings), len(strings), ''.join('<si><t xml:space="preserve">%s</t></si>' % escape(s) for s in strings)))
z.writestr('xl/worksheets/sheet1.xml', '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="%s"><sheetData>%s</sheetData></worksheet>' % (ns, ''.join(sheet)))
z.close()
