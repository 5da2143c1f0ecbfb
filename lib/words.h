/* words.h: the domain's fixed values (stages, statuses, genders, yes/no, states,
 * reasons, categories): the code that is stored and the words people read and type. */
#ifndef STELE_WORDS_H
#define STELE_WORDS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A field is the column a value is stored in ("stage", "status", "gender",
 * "satisfied", ...). Its codes are what the database, CSV and JSON hold, in every
 * language; the words are what a person reads (translated through the catalogue,
 * with the field as gettext context) and may type (the code or a Chinese word).
 */

/* The word a person reads for code stored in field, in the reader's language
 * (the catalogue's translation of code in context field); code itself when the
 * pair is not a fixed value. Static, never freed. */
const char *stele_word_show(const char *field, const char *code);

/* The Chinese word for code in field, whatever the reader's language (the
 * bilingual report), or NULL when the pair is not a fixed value. Static. */
const char *stele_word_zh(const char *field, const char *code);

/* The code that input names in field: input itself when it is a code, else the
 * code whose Chinese words include it (男 -> M, 党小组 -> group), else input
 * unchanged, for the caller's check to refuse. NULL stays NULL. Static or input. */
const char *stele_word_code(const char *field, const char *input);

/* Whether field has fixed values at all (a column worth translating in tables). */
bool stele_word_field(const char *field);

/* The i-th fixed value (0, 1, ...): its field and code; false past the last. */
bool stele_word_get(size_t i, const char **field, const char **code);

/* A column name's header in table output, in the reader's language (CSV and JSON
 * keep the name). Static. */
const char *stele_word_column(const char *name);

#endif
