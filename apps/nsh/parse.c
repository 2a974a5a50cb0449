// SPDX-License-Identifier: BSD-2-Clause
/*
 * The shell's tokenizer, parser and word expansion (see parse.h).  The
 * tokenizer finds word boundaries (quotes, backslashes and ${...} keep
 * a word together) and copies each raw word into the tree's chunks; the
 * parser is recursive descent over the token array with a depth limit,
 * so no input can exhaust the stack.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "parse.h"

#define MAX_DEPTH 32		/* nested compound commands */
#define CHUNK_SIZE 2048

struct nsh_chunk {
	struct nsh_chunk *next;
	size_t used, size;
	_Alignas(16) char data[];
};

enum tok_kind {
	T_WORD, T_SEMI, T_AMP, T_AND, T_PIPE, T_OR, T_NL, T_REDIR, T_EOF,
};

struct token {
	enum tok_kind kind;
	char *word;			/* T_WORD: raw, in the arena */
	int fd;				/* T_REDIR */
	enum nsh_redir_kind rkind;	/* T_REDIR */
};

struct parser {
	struct nsh_ast *ast;
	struct token *toks;
	int ntoks, pos, depth;
	enum nsh_parse_result result;
};

/* ---- arena ---- */

static void *arena_alloc(struct nsh_ast *ast, size_t len)
{
	struct nsh_chunk *c = ast->chunks;

	len = (len + 15) & ~(size_t)15;
	if (!c || c->size - c->used < len) {
		size_t size = len > CHUNK_SIZE ? len : CHUNK_SIZE;

		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = ast->chunks;
		ast->chunks = c;
	}
	c->used += len;
	return memset(c->data + c->used - len, 0, len);
}

void nsh_ast_free(struct nsh_ast *ast)
{
	while (ast->chunks) {
		struct nsh_chunk *c = ast->chunks;

		ast->chunks = c->next;
		free(c);
	}
	ast->root = NULL;
}

/* ---- tokenizer ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_operator(char c)
{
	return c == ';' || c == '&' || c == '|' || c == '<' || c == '>' ||
	       c == '\n';
}

/* Skips a quoted part starting at *r (which is ' or "); false if the
 * text ends inside it. */
static bool skip_quoted(const char **rp)
{
	const char *r = *rp;
	char q = *r++;

	while (*r && *r != q) {
		if (q == '"' && *r == '\\' && r[1])
			r++;
		r++;
	}
	if (!*r)
		return false;
	*rp = r + 1;
	return true;
}

/* The end of the word at r, or NULL when the text ends inside a quote
 * or after a backslash. */
static const char *word_end(const char *r)
{
	while (*r && !is_blank(*r) && !is_operator(*r)) {
		if (*r == '\'' || *r == '"') {
			if (!skip_quoted(&r))
				return NULL;
		} else if (*r == '\\') {
			if (!r[1])
				return NULL;
			r += 2;
		} else if (r[0] == '$' && r[1] == '{') {
			const char *e = strchr(r, '}');

			r = e ? e + 1 : r + 2;
		} else {
			r++;
		}
	}
	return r;
}

static enum tok_kind operator_kind(const char **rp)
{
	const char *r = *rp;
	bool doubled = r[1] == r[0];
	enum tok_kind k;

	switch (r[0]) {
	case '&': k = doubled ? T_AND : T_AMP; break;
	case '|': k = doubled ? T_OR : T_PIPE; break;
	case '\n': k = T_NL; doubled = false; break;
	default: k = T_SEMI; doubled = false; break;
	}
	*rp = r + 1 + doubled;
	return k;
}

/* A redirection at r ("<", ">", ">>", with fd given or default). */
static void lex_redir(const char **rp, struct token *t, int fd)
{
	const char *r = *rp;

	t->kind = T_REDIR;
	if (*r == '<') {
		t->rkind = NSH_R_IN;
		t->fd = fd >= 0 ? fd : 0;
		r++;
	} else {
		t->rkind = r[1] == '>' ? NSH_R_APPEND : NSH_R_OUT;
		t->fd = fd >= 0 ? fd : 1;
		r += r[1] == '>' ? 2 : 1;
	}
	*rp = r;
}

static char *copy_word(struct nsh_ast *ast, const char *s, size_t len)
{
	char *w = arena_alloc(ast, len + 1);

	if (w)
		memcpy(w, s, len);
	return w;
}

/* Next token at *rp; returns false (result set) on failure. */
static bool lex_one(struct parser *p, const char **rp, struct token *t)
{
	const char *r = *rp, *e;

	memset(t, 0, sizeof(*t));
	if (*r == '<' || *r == '>') {
		lex_redir(&r, t, -1);
	} else if (is_operator(*r)) {
		t->kind = operator_kind(&r);
	} else if (*r >= '0' && *r <= '9' && (r[1] == '<' || r[1] == '>')) {
		r++;
		lex_redir(&r, t, r[-1] - '0');
	} else {
		e = word_end(r);
		if (!e) {
			p->result = NSH_PARSE_INCOMPLETE;
			return false;
		}
		t->kind = T_WORD;
		t->word = copy_word(p->ast, r, (size_t)(e - r));
		if (!t->word) {
			snprintf(p->ast->error, sizeof(p->ast->error),
				 "out of memory");
			p->result = NSH_PARSE_ERROR;
			return false;
		}
		r = e;
	}
	*rp = r;
	return true;
}

static bool tokenize(struct parser *p, const char *text)
{
	size_t max = strlen(text) + 2;
	const char *r = text;

	p->toks = malloc(max * sizeof(*p->toks));
	if (!p->toks) {
		snprintf(p->ast->error, sizeof(p->ast->error), "out of memory");
		p->result = NSH_PARSE_ERROR;
		return false;
	}
	p->ntoks = 0;
	for (;;) {
		while (is_blank(*r) || (r[0] == '\\' && r[1] == '\n'))
			r += *r == '\\' ? 2 : 1;
		if (*r == '#')
			while (*r && *r != '\n')
				r++;
		if (!*r)
			break;
		if (!lex_one(p, &r, &p->toks[p->ntoks]))
			return false;
		p->ntoks++;
	}
	p->toks[p->ntoks].kind = T_EOF;
	return true;
}

/* ---- parser ---- */

static const struct token *peek(struct parser *p)
{
	return &p->toks[p->pos];
}

static bool peek_word(struct parser *p, const char *w)
{
	const struct token *t = peek(p);

	return t->kind == T_WORD && strcmp(t->word, w) == 0;
}

static bool at_closing_word(struct parser *p)
{
	static const char *const closing[] = {
		"then", "elif", "else", "fi", "do", "done",
	};

	for (size_t i = 0; i < sizeof(closing) / sizeof(closing[0]); i++)
		if (peek_word(p, closing[i]))
			return true;
	return false;
}

static const char *token_text(const struct token *t)
{
	static const char *const text[] = {
		[T_SEMI] = ";", [T_AMP] = "&", [T_AND] = "&&", [T_PIPE] = "|",
		[T_OR] = "||", [T_NL] = "newline", [T_EOF] = "end of line",
	};

	if (t->kind == T_WORD)
		return t->word;
	if (t->kind == T_REDIR)
		return t->rkind == NSH_R_IN ? "<" :
		       t->rkind == NSH_R_OUT ? ">" : ">>";
	return text[t->kind];
}

/* Fails the parse: incomplete at the end of the text, else an error. */
static struct nsh_node *fail(struct parser *p)
{
	const struct token *t = peek(p);

	if (p->result != NSH_PARSE_OK)
		return NULL;
	if (t->kind == T_EOF) {
		p->result = NSH_PARSE_INCOMPLETE;
		return NULL;
	}
	snprintf(p->ast->error, sizeof(p->ast->error),
		 "syntax error near '%.60s'", token_text(t));
	p->result = NSH_PARSE_ERROR;
	return NULL;
}

static struct nsh_node *new_node(struct parser *p, enum nsh_node_kind k,
				 struct nsh_node *a, struct nsh_node *b)
{
	struct nsh_node *n = arena_alloc(p->ast, sizeof(*n));

	if (!n) {
		snprintf(p->ast->error, sizeof(p->ast->error), "out of memory");
		p->result = NSH_PARSE_ERROR;
		return NULL;
	}
	n->kind = k;
	n->a = a;
	n->b = b;
	return n;
}

static void skip_newlines(struct parser *p)
{
	while (peek(p)->kind == T_NL)
		p->pos++;
}

static bool expect_word(struct parser *p, const char *w)
{
	if (!peek_word(p, w)) {
		fail(p);
		return false;
	}
	p->pos++;
	return true;
}

static struct nsh_node *parse_list(struct parser *p);
static struct nsh_node *parse_command(struct parser *p);

/* A list that must not be empty (the condition or body of a compound). */
static struct nsh_node *parse_required_list(struct parser *p)
{
	struct nsh_node *n = parse_list(p);

	if (!n && p->result == NSH_PARSE_OK)
		fail(p);
	return n;
}

static struct nsh_node *parse_pipeline(struct parser *p)
{
	struct nsh_node *first = parse_command(p), *rest;

	if (!first || peek(p)->kind != T_PIPE)
		return first;
	p->pos++;
	skip_newlines(p);
	rest = parse_pipeline(p);
	return rest ? new_node(p, NSH_N_PIPE, first, rest) : NULL;
}

static struct nsh_node *parse_and_or(struct parser *p)
{
	struct nsh_node *left = parse_pipeline(p), *right;

	while (left && (peek(p)->kind == T_AND || peek(p)->kind == T_OR)) {
		enum nsh_node_kind k = peek(p)->kind == T_AND ? NSH_N_AND
							      : NSH_N_OR;
		p->pos++;
		skip_newlines(p);
		right = parse_pipeline(p);
		left = right ? new_node(p, k, left, right) : NULL;
	}
	return left;
}

/* A list ends at the end of the text or at a closing reserved word. */
static bool list_ends(struct parser *p)
{
	return peek(p)->kind == T_EOF || at_closing_word(p);
}

static struct nsh_node *parse_list(struct parser *p)
{
	struct nsh_node *head = NULL, **tail = &head, *n;

	for (;;) {
		skip_newlines(p);
		if (list_ends(p))
			return head;
		n = parse_and_or(p);
		if (!n)
			return NULL;
		if (peek(p)->kind == T_AMP && !(n = new_node(p, NSH_N_BG, n, NULL)))
			return NULL;
		if (peek(p)->kind == T_AMP || peek(p)->kind == T_SEMI ||
		    peek(p)->kind == T_NL)
			p->pos++;
		else if (!list_ends(p))
			return fail(p);
		if (!(*tail = new_node(p, NSH_N_SEQ, n, NULL)))
			return NULL;
		tail = &(*tail)->b;
	}
}

/* if/elif: the "if" or "elif" word is already consumed. */
static struct nsh_node *parse_if_rest(struct parser *p)
{
	struct nsh_node *n = new_node(p, NSH_N_IF, NULL, NULL);

	if (!n || !(n->a = parse_required_list(p)) || !expect_word(p, "then") ||
	    !(n->b = parse_required_list(p)))
		return NULL;
	if (peek_word(p, "elif")) {
		p->pos++;
		return (n->c = parse_if_rest(p)) ? n : NULL;
	}
	if (peek_word(p, "else")) {
		p->pos++;
		if (!(n->c = parse_required_list(p)))
			return NULL;
	}
	return expect_word(p, "fi") ? n : NULL;
}

static struct nsh_node *parse_loop(struct parser *p, enum nsh_node_kind k)
{
	struct nsh_node *n = new_node(p, k, NULL, NULL);

	if (!n || !(n->a = parse_required_list(p)) || !expect_word(p, "do") ||
	    !(n->b = parse_required_list(p)) || !expect_word(p, "done"))
		return NULL;
	return n;
}

/* Words up to ';' or newline, for `for NAME in WORDS`. */
static bool parse_for_words(struct parser *p, struct nsh_node *n)
{
	int start = p->pos, count = 0;

	while (peek(p)->kind == T_WORD) {
		p->pos++;
		count++;
	}
	n->argv = arena_alloc(p->ast, (size_t)(count + 1) * sizeof(char *));
	if (!n->argv) {
		new_node(p, NSH_N_CMD, NULL, NULL);	/* sets the error */
		return false;
	}
	for (int i = 0; i < count; i++)
		n->argv[i] = p->toks[start + i].word;
	n->argc = count;
	return true;
}

static struct nsh_node *parse_for(struct parser *p)
{
	struct nsh_node *n = new_node(p, NSH_N_FOR, NULL, NULL);
	const struct token *t = peek(p);

	if (!n)
		return NULL;
	if (t->kind != T_WORD || !nsh_valid_name(t->word, strlen(t->word)))
		return fail(p);
	n->name = t->word;
	p->pos++;
	skip_newlines(p);
	if (peek_word(p, "in")) {
		p->pos++;
		if (!parse_for_words(p, n))
			return NULL;
	}
	if (peek(p)->kind == T_SEMI)
		p->pos++;
	else if (peek(p)->kind != T_NL && !peek_word(p, "do"))
		return fail(p);
	skip_newlines(p);
	if (!expect_word(p, "do") || !(n->b = parse_required_list(p)) ||
	    !expect_word(p, "done"))
		return NULL;
	return n;
}

static bool add_redir(struct parser *p, struct nsh_node *n,
		      struct nsh_redir ***tail)
{
	const struct token *op = peek(p);
	struct nsh_redir *r;

	p->pos++;
	if (peek(p)->kind != T_WORD) {
		fail(p);
		return false;
	}
	if (!(r = arena_alloc(p->ast, sizeof(*r)))) {
		new_node(p, NSH_N_CMD, NULL, NULL);	/* sets the error */
		return false;
	}
	r->fd = op->fd;
	r->kind = op->rkind;
	r->word = peek(p)->word;
	p->pos++;
	**tail = r;
	*tail = &r->next;
	(void)n;
	return true;
}

static struct nsh_node *parse_simple(struct parser *p)
{
	struct nsh_node *n = new_node(p, NSH_N_CMD, NULL, NULL);
	struct nsh_redir **rtail;
	int start = p->pos, count = 0;

	if (!n)
		return NULL;
	rtail = &n->redir;
	/* Count the words first, so argv is one array. */
	for (int i = start; p->toks[i].kind == T_WORD || p->toks[i].kind == T_REDIR; i++) {
		if (p->toks[i].kind == T_REDIR)
			i++;		/* its file name */
		else
			count++;
		if (p->toks[i].kind == T_EOF)
			break;
	}
	n->argv = arena_alloc(p->ast, (size_t)(count + 1) * sizeof(char *));
	if (!n->argv)
		return new_node(p, NSH_N_CMD, NULL, NULL), NULL;
	while (peek(p)->kind == T_WORD || peek(p)->kind == T_REDIR) {
		if (peek(p)->kind == T_REDIR) {
			if (!add_redir(p, n, &rtail))
				return NULL;
		} else {
			n->argv[n->argc++] = peek(p)->word;
			p->pos++;
		}
	}
	if (n->argc == 0 && !n->redir)
		return fail(p);
	return n;
}

static struct nsh_node *parse_compound(struct parser *p, const char *word)
{
	struct nsh_node *n;

	if (++p->depth > MAX_DEPTH) {
		snprintf(p->ast->error, sizeof(p->ast->error),
			 "commands nested too deeply (limit %d)", MAX_DEPTH);
		p->result = NSH_PARSE_ERROR;
		return NULL;
	}
	p->pos++;
	if (strcmp(word, "if") == 0)
		n = parse_if_rest(p);
	else if (strcmp(word, "for") == 0)
		n = parse_for(p);
	else
		n = parse_loop(p, word[0] == 'w' ? NSH_N_WHILE : NSH_N_UNTIL);
	p->depth--;
	return n;
}

static struct nsh_node *parse_command(struct parser *p)
{
	static const char *const openers[] = { "if", "while", "until", "for" };

	for (size_t i = 0; i < sizeof(openers) / sizeof(openers[0]); i++)
		if (peek_word(p, openers[i]))
			return parse_compound(p, openers[i]);
	if (at_closing_word(p))
		return fail(p);
	return parse_simple(p);
}

enum nsh_parse_result nsh_parse(const char *text, struct nsh_ast *ast)
{
	struct parser p = { .ast = ast, .result = NSH_PARSE_OK };
	struct nsh_node *root = NULL;

	ast->root = NULL;
	ast->chunks = NULL;
	ast->error[0] = '\0';
	if (tokenize(&p, text)) {
		root = parse_list(&p);
		if (p.result == NSH_PARSE_OK && peek(&p)->kind != T_EOF)
			fail(&p);	/* a closing word at the top level */
	}
	free(p.toks);
	if (p.result != NSH_PARSE_OK) {
		if (p.result == NSH_PARSE_INCOMPLETE)
			snprintf(ast->error, sizeof(ast->error),
				 "unexpected end of input");
		nsh_ast_free(ast);
		return p.result;
	}
	ast->root = root;
	return NSH_PARSE_OK;
}

/* ---- dump, for tests ---- */

struct out {
	char *buf;
	size_t size, len;
};

static void emit(struct out *o, const char *s)
{
	for (; *s; s++, o->len++)
		if (o->len + 1 < o->size)
			o->buf[o->len] = *s;
}

static void dump(struct out *o, const struct nsh_node *n)
{
	static const char *const names[] = {
		[NSH_N_CMD] = "cmd", [NSH_N_PIPE] = "pipe", [NSH_N_AND] = "and",
		[NSH_N_OR] = "or", [NSH_N_SEQ] = "seq", [NSH_N_BG] = "bg",
		[NSH_N_IF] = "if", [NSH_N_WHILE] = "while",
		[NSH_N_UNTIL] = "until", [NSH_N_FOR] = "for",
	};
	static const char *const rnames[] = { "<", ">", ">>" };
	char fd[4];

	if (!n) {
		emit(o, "()");
		return;
	}
	emit(o, "(");
	emit(o, names[n->kind]);
	if (n->name) {
		emit(o, " ");
		emit(o, n->name);
	}
	for (int i = 0; i < n->argc; i++) {
		emit(o, " ");
		emit(o, n->argv[i]);
	}
	for (const struct nsh_redir *r = n->redir; r; r = r->next) {
		snprintf(fd, sizeof(fd), " %d", r->fd);
		emit(o, fd);
		emit(o, rnames[r->kind]);
		emit(o, r->word);
	}
	if (n->kind != NSH_N_CMD) {
		const struct nsh_node *kids[] = { n->a, n->b, n->c };
		int nk = n->kind == NSH_N_IF ? 3 : n->kind == NSH_N_BG ? 1 : 2;

		if (n->kind == NSH_N_FOR) {
			emit(o, " ");
			dump(o, n->b);
			nk = 0;
		}
		for (int i = 0; i < nk; i++) {
			emit(o, " ");
			dump(o, kids[i]);
		}
	}
	emit(o, ")");
}

int nsh_ast_dump(const struct nsh_node *n, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };

	dump(&o, n);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

/* ---- expansion ---- */

bool nsh_valid_name(const char *s, size_t len)
{
	if (len == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!(c == '_' || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

struct expansion {
	char *out, *end;	/* write position; end leaves room for NUL */
	size_t field_len;
	bool field_open;	/* a quote or a byte started the field */
	int nfields;
	bool overflow;
};

static void put_byte(struct expansion *x, char c)
{
	if (x->out >= x->end) {
		x->overflow = true;
		return;
	}
	*x->out++ = c;
	x->field_len++;
	x->field_open = true;
}

static void end_field(struct expansion *x)
{
	if (!x->field_open)
		return;
	if (x->out >= x->end + 1) {
		x->overflow = true;
		return;
	}
	*x->out++ = '\0';
	x->nfields++;
	x->field_len = 0;
	x->field_open = false;
}

static bool is_special_param(char c)
{
	return c == '?' || c == '$' || c == '#' || c == '!' || c == '@' ||
	       c == '*' || (c >= '0' && c <= '9');
}

/* Parses the parameter after '$' at r; copies its name to name (size 64)
 * and returns the text after it, or NULL when '$' is literal. */
static const char *param_name(const char *r, char *name, size_t size)
{
	size_t len = 0;

	if (*r == '{') {
		const char *e = strchr(r + 1, '}');

		if (!e || e == r + 1 || (size_t)(e - r - 1) >= size)
			return NULL;
		len = (size_t)(e - r - 1);
		if (!(len == 1 && is_special_param(r[1])) &&
		    !nsh_valid_name(r + 1, len))
			return NULL;
		memcpy(name, r + 1, len);
		name[len] = '\0';
		return e + 1;
	}
	if (is_special_param(*r)) {
		name[0] = *r;
		name[1] = '\0';
		return r + 1;
	}
	while (len + 1 < size && nsh_valid_name(r, len + 1))
		len++;
	if (len == 0)
		return NULL;
	memcpy(name, r, len);
	name[len] = '\0';
	return r + len;
}

static void put_value(struct expansion *x, const char *v, bool quoted)
{
	for (; v && *v; v++) {
		if (!quoted && (*v == ' ' || *v == '\t' || *v == '\n'))
			end_field(x);
		else
			put_byte(x, *v);
	}
}

/* Expands the $ at *rp; false when it is a literal '$'. */
static bool expand_param(struct expansion *x, const char **rp, bool quoted,
			 nsh_lookup_fn lookup, void *ctx)
{
	char name[64];
	const char *after = param_name(*rp + 1, name, sizeof(name));

	if (!after)
		return false;
	if (quoted)
		x->field_open = true;	/* "$EMPTY" is still a field */
	put_value(x, lookup ? lookup(ctx, name) : NULL, quoted);
	*rp = after;
	return true;
}

int nsh_expand_word(const char *raw, nsh_lookup_fn lookup, void *ctx,
		    char *out, size_t size)
{
	struct expansion x = { .out = out, .end = out + size - 1 };
	bool dq = false;
	const char *r = raw;

	if (size < 2)
		return -1;
	while (*r && !x.overflow) {
		char c = *r;

		if (c == '\'' && !dq) {
			x.field_open = true;
			for (r++; *r && *r != '\''; r++)
				put_byte(&x, *r);
			if (*r)
				r++;
		} else if (c == '"') {
			dq = !dq;
			x.field_open = true;
			r++;
		} else if (c == '\\' && r[1]) {
			if (dq && !strchr("$`\"\\\n", r[1]))
				put_byte(&x, '\\');
			if (r[1] != '\n')
				put_byte(&x, r[1]);
			r += 2;
		} else if (c == '$' && expand_param(&x, &r, dq, lookup, ctx)) {
			continue;
		} else {
			put_byte(&x, c);
			r++;
		}
	}
	end_field(&x);
	return x.overflow ? -1 : x.nfields;
}
