/* xlsxread.c: reading a workbook's first sheet (minizip for the zip, expat for
 * the XML: workbook, relationships, shared strings, styles, the sheet). */
#include <expat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unzip.h>

#include "buf.h"
#include "error.h"
#include "lenient.h"
#include "xlsxread.h"

#define MAX_COLS 16384 /* Excel's XFD */

struct reader {
	const char *path;
	unzFile zip;
	size_t max_bytes;
	XML_Parser parser;
	int rc; /* a handler's error, which stopped the parser */
	/* Shared strings: NUL-separated in strings, each starting at soff[i]. */
	struct stele_buf strings;
	size_t *soff, nstr, capstr;
	/* Styles: the cellXfs that format a number as a date. */
	bool *xf_date;
	size_t nxf;
	int *date_fmts; /* custom numFmt ids whose code is a date */
	size_t ndate_fmts;
	int depth_cellxfs, in_numfmts;
	/* Workbook and relationships: the first sheet's part. */
	char sheet_rid[64];
	char sheet_part[256];
	/* Text being collected (a <v>, a <t>). */
	struct stele_buf text;
	bool collecting;
	int in_rph; /* inside a phonetic run, whose text is no part of the cell */
	/* The sheet: the row being read, and the reader the rows go to. */
	struct stele_csv *csv;
	char **cells;
	size_t ncells, width;
	bool have_width;
	size_t row, col;
	char cell_type[16];
	long cell_style;
	bool in_cell, in_is;
};

/* The local name of an expat namespaced name ("uri|row" -> "row"). */
static const char *local(const char *name)
{
	const char *bar = strrchr(name, '|');

	return bar ? bar + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
	for (int i = 0; atts[i]; i += 2)
		if (strcmp(local(atts[i]), name) == 0)
			return atts[i + 1];
	return NULL;
}

static void fail(struct reader *r, int rc)
{
	if (r->rc == 0)
		r->rc = rc;
	XML_StopParser(r->parser, XML_FALSE);
}

static void on_text(void *ud, const XML_Char *s, int len)
{
	struct reader *r = ud;

	if (r->collecting && !r->in_rph && stele_buf_append(&r->text, s, (size_t)len) < 0)
		fail(r, stele_error(STELE_EINVALID, "%s: a cell is larger than %zu bytes", r->path,
				    r->max_bytes));
}

static void start_collecting(struct reader *r)
{
	r->collecting = true;
}

/* Parses the part name of the workbook with expat; absent is fine unless required. */
static int parse_part(struct reader *r, const char *name, bool required,
		      XML_StartElementHandler start, XML_EndElementHandler end)
{
	char chunk[65536];
	size_t total = 0;
	int n, rc = 0;

	if (unzLocateFile(r->zip, name, 1) != UNZ_OK) {
		if (required)
			return stele_error(STELE_EINVALID, "%s is not an Excel workbook (no %s)",
					   r->path, name);
		return 0;
	}
	if (unzOpenCurrentFile(r->zip) != UNZ_OK)
		return stele_error(STELE_EINVALID, "%s: cannot read %s in the workbook", r->path,
				   name);
	if (!(r->parser = XML_ParserCreateNS(NULL, '|'))) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	XML_SetUserData(r->parser, r);
	XML_SetElementHandler(r->parser, start, end);
	XML_SetCharacterDataHandler(r->parser, on_text);
	r->rc = 0;
	do {
		if ((n = unzReadCurrentFile(r->zip, chunk, sizeof(chunk))) < 0) {
			rc = stele_error(STELE_EINVALID, "%s: %s in the workbook is damaged", r->path,
					 name);
			goto done;
		}
		if ((total += (size_t)n) > r->max_bytes) {
			rc = stele_error(STELE_EINVALID, "%s: %s is larger than %zu bytes", r->path,
					 name, r->max_bytes);
			goto done;
		}
		if (XML_Parse(r->parser, chunk, n, n == 0) != XML_STATUS_OK) {
			rc = r->rc ? r->rc
				   : stele_error(STELE_EINVALID, "%s: %s in the workbook is not XML "
						 "(line %lu: %s)", r->path, name,
						 (unsigned long)XML_GetCurrentLineNumber(r->parser),
						 XML_ErrorString(XML_GetErrorCode(r->parser)));
			goto done;
		}
	} while (n > 0);
	if (unzCloseCurrentFile(r->zip) == UNZ_CRCERROR)
		rc = stele_error(STELE_EINVALID, "%s: %s in the workbook is damaged (CRC)", r->path,
				 name);
done:
	if (r->parser)
		XML_ParserFree(r->parser);
	r->parser = NULL;
	return rc;
}

/* The workbook: the first <sheet>'s relationship id. */
static void workbook_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct reader *r = ud;
	const char *id;

	if (strcmp(local(name), "sheet") == 0 && !r->sheet_rid[0] && (id = attr(atts, "id")))
		snprintf(r->sheet_rid, sizeof(r->sheet_rid), "%s", id);
}

static void rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct reader *r = ud;
	const char *id = attr(atts, "Id"), *target = attr(atts, "Target");

	if (strcmp(local(name), "Relationship") != 0 || !id || !target ||
	    strcmp(id, r->sheet_rid) != 0)
		return;
	if (target[0] == '/')
		snprintf(r->sheet_part, sizeof(r->sheet_part), "%s", target + 1);
	else
		snprintf(r->sheet_part, sizeof(r->sheet_part), "xl/%s", target);
}

static void no_end(void *ud, const XML_Char *name)
{
}

/* Shared strings: each <si>'s text is its <t>s run together (not its <rPh>s). */
static void sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct reader *r = ud;
	const char *n = local(name);

	if (strcmp(n, "si") == 0) {
		stele_buf_reset(&r->text);
		r->collecting = false;
	} else if (strcmp(n, "rPh") == 0) {
		r->in_rph++;
	} else if (strcmp(n, "t") == 0) {
		start_collecting(r);
	}
}

static void sst_end(void *ud, const XML_Char *name)
{
	struct reader *r = ud;
	const char *n = local(name);

	if (strcmp(n, "rPh") == 0) {
		r->in_rph--;
	} else if (strcmp(n, "t") == 0) {
		r->collecting = false;
	} else if (strcmp(n, "si") == 0) {
		if (r->nstr == r->capstr) {
			int rc = stele_array_reserve(&r->soff, &r->capstr, r->nstr, sizeof(*r->soff), 256);
			if (rc < 0) {
				fail(r, rc);
				return;
			}
		}
		r->soff[r->nstr++] = r->strings.len;
		if (stele_buf_append(&r->strings, r->text.data ? r->text.data : "", r->text.len) < 0 ||
		    stele_buf_append(&r->strings, "", 1) < 0)
			fail(r, stele_error(STELE_EINVALID, "%s: the shared strings are larger than "
					    "%zu bytes", r->path, r->max_bytes));
	}
}

/* Whether a number format code shows a date: a y or d outside quotes and
 * brackets ("yyyy/m/d", "yyyy\"年\"m\"月\"d\"日\""; not "0.00" nor "[h]:mm"). */
static bool date_code(const char *code)
{
	bool quoted = false;
	int bracket = 0;

	for (const char *p = code; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '"') {
			quoted = !quoted;
		} else if (!quoted && *p == '[') {
			bracket++;
		} else if (!quoted && *p == ']' && bracket) {
			bracket--;
		} else if (!quoted && !bracket && strchr("yYdD", *p)) {
			return true;
		}
	}
	return false;
}

/* The built-in number formats that are dates (ECMA-376 18.8.30, with the East
 * Asian ones Chinese Excel uses). */
static bool builtin_date(long id)
{
	return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) ||
	       (id >= 50 && id <= 58);
}

static void styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct reader *r = ud;
	const char *n = local(name), *id = attr(atts, "numFmtId");

	if (strcmp(n, "numFmts") == 0) {
		r->in_numfmts++;
	} else if (strcmp(n, "cellXfs") == 0) {
		r->depth_cellxfs++;
	} else if (strcmp(n, "numFmt") == 0 && r->in_numfmts && id) {
		const char *code = attr(atts, "formatCode");
		if (code && date_code(code)) {
			int *fmts = realloc(r->date_fmts, (r->ndate_fmts + 1) * sizeof(int));
			if (!fmts)
				{
				fail(r, stele_error(STELE_EFAIL, "out of memory"));
				return;
			}
			r->date_fmts = fmts;
			r->date_fmts[r->ndate_fmts++] = atoi(id);
		}
	} else if (strcmp(n, "xf") == 0 && r->depth_cellxfs) {
		long fmt = id ? strtol(id, NULL, 10) : 0;
		bool date = builtin_date(fmt);
		for (size_t i = 0; i < r->ndate_fmts && !date; i++)
			date = r->date_fmts[i] == fmt;
		bool *xf = realloc(r->xf_date, (r->nxf + 1) * sizeof(bool));
		if (!xf)
			{
				fail(r, stele_error(STELE_EFAIL, "out of memory"));
				return;
			}
		r->xf_date = xf;
		r->xf_date[r->nxf++] = date;
	}
}

static void styles_end(void *ud, const XML_Char *name)
{
	struct reader *r = ud;
	const char *n = local(name);

	if (strcmp(n, "numFmts") == 0 && r->in_numfmts)
		r->in_numfmts--;
	else if (strcmp(n, "cellXfs") == 0 && r->depth_cellxfs)
		r->depth_cellxfs--;
}

/* The sheet. */

static void clear_cells(struct reader *r)
{
	for (size_t i = 0; i < r->ncells; i++) {
		free(r->cells[i]);
		r->cells[i] = NULL;
	}
}

/* A cell reference's column ("B3" -> 1), or -1. */
static long ref_col(const char *ref)
{
	long col = 0;
	const char *p = ref;

	for (; *p >= 'A' && *p <= 'Z'; p++)
		if ((col = col * 26 + (*p - 'A' + 1)) > MAX_COLS)
			return -1;
	return p == ref ? -1 : col - 1;
}

/* The current cell's value, as text. */
static int cell_value(char **out, struct reader *r)
{
	const char *v = r->text.data ? r->text.data : "", *t = r->cell_type;
	char buf[64];

	if (strcmp(t, "s") == 0) {
		char *end;
		unsigned long i = strtoul(v, &end, 10);
		if (!*v || *end || i >= r->nstr)
			return stele_error(STELE_EINVALID, "%s:%zu:%zu: the cell names shared string "
					   "'%s', which the workbook does not have", r->path, r->row,
					   r->col + 1, v);
		v = r->strings.data + r->soff[i];
	} else if (strcmp(t, "e") == 0) {
		return stele_error(STELE_EINVALID, "%s:%zu:%zu: the cell holds the Excel error %s",
				   r->path, r->row, r->col + 1, v);
	} else if (strcmp(t, "n") == 0 || !*t) {
		char *end;
		double d = strtod(v, &end);
		if (*v && !*end && isfinite(d)) {
			bool date = r->cell_style >= 0 && (size_t)r->cell_style < r->nxf &&
				    r->xf_date[r->cell_style];
			char number[32];
			snprintf(number, sizeof(number), "%.15g", d);
			if (!(date && d == floor(d) && stele_lenient_serial(buf, number) == 1))
				memcpy(buf, number, sizeof(number));
			v = buf;
		}
	}
	/* "b" (0 or 1), "str" (a formula's text), "inlineStr": the text as it is. */
	if (!(*out = strdup(v)))
		return stele_error(STELE_EFAIL, "out of memory");
	return 0;
}

static int end_row(struct reader *r)
{
	size_t n = r->ncells;
	int rc;

	while (n > 0 && (!r->cells[n - 1] || !*r->cells[n - 1]))
		n--;
	if (n == 0)
		return 0; /* a blank row */
	if (!r->have_width) {
		r->width = n;
		r->have_width = true;
	}
	if (n < r->width)
		n = r->width;
	const char **fields = calloc(n, sizeof(*fields));
	if (!fields)
		return stele_error(STELE_EFAIL, "out of memory");
	for (size_t i = 0; i < n; i++)
		fields[i] = i < r->ncells && r->cells[i] ? r->cells[i] : "";
	rc = stele_csv_add_record(r->csv, r->row, fields, n);
	free(fields);
	return rc;
}

static void sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct reader *r = ud;
	const char *n = local(name), *a;

	if (strcmp(n, "row") == 0) {
		clear_cells(r);
		r->ncells = 0;
		r->row = (a = attr(atts, "r")) ? strtoul(a, NULL, 10) : r->row + 1;
		r->col = 0;
	} else if (strcmp(n, "c") == 0) {
		long col = (a = attr(atts, "r")) ? ref_col(a) : (long)r->col;
		if (col < 0 || col >= MAX_COLS)
			{
				fail(r, stele_error(STELE_EINVALID, "%s:%zu: cell reference '%s' is not "
						   "a column of a sheet", r->path, r->row,
						   a ? a : ""));
				return;
			}
		r->col = (size_t)col;
		snprintf(r->cell_type, sizeof(r->cell_type), "%s", (a = attr(atts, "t")) ? a : "n");
		r->cell_style = (a = attr(atts, "s")) ? strtol(a, NULL, 10) : -1;
		r->in_cell = true;
		stele_buf_reset(&r->text);
	} else if (r->in_cell && strcmp(n, "v") == 0) {
		start_collecting(r);
	} else if (r->in_cell && strcmp(n, "is") == 0) {
		r->in_is = true;
	} else if (r->in_is && strcmp(n, "rPh") == 0) {
		r->in_rph++;
	} else if (r->in_is && strcmp(n, "t") == 0) {
		start_collecting(r);
	}
}

static void sheet_end(void *ud, const XML_Char *name)
{
	struct reader *r = ud;
	const char *n = local(name);
	int rc;

	if (strcmp(n, "v") == 0 || strcmp(n, "t") == 0) {
		r->collecting = false;
	} else if (strcmp(n, "rPh") == 0 && r->in_rph) {
		r->in_rph--;
	} else if (strcmp(n, "is") == 0) {
		r->in_is = false;
	} else if (strcmp(n, "c") == 0 && r->in_cell) {
		char *value;
		r->in_cell = false;
		if ((rc = cell_value(&value, r)) < 0)
			{
				fail(r, rc);
				return;
			}
		if (r->col >= r->ncells) {
			char **cells = realloc(r->cells, (r->col + 1) * sizeof(*cells));
			if (!cells) {
				free(value);
				{
				fail(r, stele_error(STELE_EFAIL, "out of memory"));
				return;
			}
			}
			for (size_t i = r->ncells; i <= r->col; i++)
				cells[i] = NULL;
			r->cells = cells;
			r->ncells = r->col + 1;
		}
		free(r->cells[r->col]);
		r->cells[r->col] = value;
		r->col++;
	} else if (strcmp(n, "row") == 0) {
		if ((rc = end_row(r)) < 0)
			fail(r, rc);
	}
}

bool stele_xlsx_path(const char *path)
{
	size_t n = strlen(path);

	return n > 5 && strcasecmp(path + n - 5, ".xlsx") == 0;
}

/* The workbook in memory, as minizip's file functions see it (one open at a time). */
struct memzip {
	const unsigned char *data;
	size_t len, pos;
};

static voidpf mem_open(voidpf opaque, const void *name, int mode)
{
	struct memzip *m = opaque;

	if (mode & ZLIB_FILEFUNC_MODE_WRITE)
		return NULL;
	m->pos = 0;
	return m;
}

static uLong mem_read(voidpf opaque, voidpf stream, void *buf, uLong size)
{
	struct memzip *m = stream;
	size_t n = m->len - m->pos < size ? m->len - m->pos : size;

	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return (uLong)n;
}

static uLong mem_write(voidpf opaque, voidpf stream, const void *buf, uLong size)
{
	return 0;
}

static ZPOS64_T mem_tell(voidpf opaque, voidpf stream)
{
	return ((struct memzip *)stream)->pos;
}

static long mem_seek(voidpf opaque, voidpf stream, ZPOS64_T offset, int origin)
{
	struct memzip *m = stream;
	ZPOS64_T base = origin == ZLIB_FILEFUNC_SEEK_SET ? 0
		      : origin == ZLIB_FILEFUNC_SEEK_CUR ? m->pos : m->len;

	if (offset > m->len || base + offset > m->len)
		return -1;
	m->pos = (size_t)(base + offset);
	return 0;
}

static int mem_close(voidpf opaque, voidpf stream)
{
	return 0;
}

static int mem_error(voidpf opaque, voidpf stream)
{
	return 0;
}

/* The workbook r->zip is open: its parts into *out. */
static int read_workbook(struct stele_csv **out, struct reader *r)
{
	int rc;

	if ((rc = parse_part(r, "xl/workbook.xml", true, workbook_start, no_end)) < 0)
		return rc;
	if (r->sheet_rid[0] &&
	    (rc = parse_part(r, "xl/_rels/workbook.xml.rels", false, rels_start, no_end)) < 0)
		return rc;
	if (!r->sheet_part[0])
		snprintf(r->sheet_part, sizeof(r->sheet_part), "xl/worksheets/sheet1.xml");
	if ((rc = parse_part(r, "xl/sharedStrings.xml", false, sst_start, sst_end)) < 0 ||
	    (rc = parse_part(r, "xl/styles.xml", false, styles_start, styles_end)) < 0 ||
	    (rc = stele_csv_open_records(&r->csv, r->path)) < 0 ||
	    (rc = parse_part(r, r->sheet_part, true, sheet_start, sheet_end)) < 0)
		return rc;
	*out = r->csv;
	r->csv = NULL;
	return 0;
}

/* Everything a reader holds (the zip included). */
static void reader_free(struct reader *r)
{
	if (r->zip)
		unzClose(r->zip);
	clear_cells(r);
	free(r->cells);
	stele_csv_free(r->csv);
	stele_buf_free(&r->strings);
	stele_buf_free(&r->text);
	free(r->soff);
	free(r->xf_date);
	free(r->date_fmts);
}

int stele_xlsx_read(struct stele_csv **out, const char *path, size_t max_bytes)
{
	struct reader r = { .path = path, .max_bytes = max_bytes };
	FILE *probe;
	int rc;

	stele_buf_init(&r.strings, max_bytes);
	stele_buf_init(&r.text, max_bytes);
	if (!(probe = fopen(path, "rb")))
		return stele_error(STELE_EFAIL, "cannot open %s: %m", path);
	fclose(probe);
	if (!(r.zip = unzOpen64(path)))
		rc = stele_error(STELE_EINVALID, "%s is not an Excel workbook (not a zip file)", path);
	else
		rc = read_workbook(out, &r);
	reader_free(&r);
	return rc;
}

int stele_xlsx_read_mem(struct stele_csv **out, const char *name, const void *data, size_t len,
			size_t max_bytes)
{
	struct reader r = { .path = name, .max_bytes = max_bytes };
	struct memzip m = { .data = data, .len = len };
	zlib_filefunc64_def ff = { mem_open, mem_read, mem_write, mem_tell, mem_seek, mem_close,
				   mem_error, &m };
	int rc;

	stele_buf_init(&r.strings, max_bytes);
	stele_buf_init(&r.text, max_bytes);
	if (!(r.zip = unzOpen2_64(name, &ff)))
		rc = stele_error(STELE_EINVALID, "%s is not an Excel workbook (not a zip file)", name);
	else
		rc = read_workbook(out, &r);
	reader_free(&r);
	return rc;
}

bool stele_xlsx_data(const void *data, size_t len)
{
	return len >= 4 && memcmp(data, "PK\003\004", 4) == 0;
}
