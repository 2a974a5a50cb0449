// SPDX-License-Identifier: BSD-2-Clause
/*
 * FAT directories: 32-byte entries in the fixed root of FAT12/16 or in a
 * cluster chain, long names (VFAT: UTF-16 pieces in entries of attribute
 * 0x0f before the 8.3 entry, tied to it by a checksum) read as UTF-8,
 * and names added with the fewest entries: a name that fits 8.3 in one
 * case gets no long entries (the NT lower-case flags keep its case),
 * any other gets a long name and a unique NAME~N.EXT alias.  Names are
 * matched without regard to ASCII case, as FAT does.  A long name whose
 * pieces or checksum do not fit is ignored and the 8.3 name is shown, so a
 * damaged directory still lists.  Directories are bounded by the
 * specification's 65,536 entries, which also ends a looping chain.
 */
#include <errno.h>
#include <string.h>
#include <vireo/klog.h>
#include "fat_priv.h"

#define LFN_CHARS 13
#define LFN_LAST 0x40

void fat_dcur_init(struct fat_dcur *c, uint32_t dir)
{
	c->dir = dir;
	c->ci = 0;
	c->clus = 0;
	c->chunk_off = UINT64_MAX;
}

/* Byte offset of entry idx: 0 and *off, 1 past the directory's end (c->clus
 * is then its last cluster), -errno. */
static int entry_off(struct fat_vol *v, struct fat_dcur *c, uint32_t idx,
		     uint64_t *off)
{
	uint32_t epc = v->g.cluster_size / FAT_DIRENT_SIZE, next;
	int r;

	if (!c->dir) {
		if (idx >= v->g.root_entries)
			return 1;
		*off = (uint64_t)v->g.root_sector * v->g.bps +
		       (uint64_t)idx * FAT_DIRENT_SIZE;
		return 0;
	}
	if (idx >= FAT_MAX_DIR_ENTRIES)
		return 1;
	if (!c->clus || idx / epc < c->ci) {
		c->ci = 0;
		c->clus = c->dir;
	}
	while (c->ci < idx / epc) {
		r = fat_next(v, c->clus, &next);
		if (r)
			return r;
		if (next == FAT_EOC)
			return 1;
		c->clus = next;
		c->ci++;
	}
	*off = fat_cluster_off(v, c->clus) +
	       (uint64_t)(idx % epc) * FAT_DIRENT_SIZE;
	return 0;
}

static uint8_t lfn_checksum(const uint8_t *name11)
{
	uint8_t sum = 0;
	int i;

	for (i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + name11[i]);
	return sum;
}

/* Positions of the 13 UTF-16 units in a long-name entry. */
static const uint8_t lfn_pos[LFN_CHARS] = { 1, 3, 5, 7, 9, 14, 16, 18, 20,
					    22, 24, 28, 30 };

/* Appends UTF-16 unit u to out as UTF-8; false when it does not fit. */
static bool put_utf8(char *out, size_t *len, uint16_t u)
{
	uint8_t b[3];
	size_t n = 0, i;

	if (u < 0x80) {
		b[n++] = (uint8_t)u;
	} else if (u < 0x800) {
		b[n++] = (uint8_t)(0xc0 | u >> 6);
		b[n++] = (uint8_t)(0x80 | (u & 0x3f));
	} else {
		b[n++] = (uint8_t)(0xe0 | u >> 12);
		b[n++] = (uint8_t)(0x80 | ((u >> 6) & 0x3f));
		b[n++] = (uint8_t)(0x80 | (u & 0x3f));
	}
	if (*len + n > VFS_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		out[(*len)++] = (char)b[i];
	out[*len] = 0;
	return true;
}

/* The 8.3 name of raw as a string, with the NT case flags applied. */
static void short_name(const uint8_t *raw, char *out)
{
	size_t n = 0;
	int i;

	for (i = 0; i < 11; i++) {
		uint8_t c = raw[i];
		if (c == ' ')
			continue;
		if (i == 8 || (i > 8 && n && out[n - 1] != '.' &&
			       !memchr(out, '.', n)))
			out[n++] = '.';
		if (i == 0 && c == 0x05)
			c = FAT_DELETED;	/* a name starting with 0xe5 */
		if (c >= 'A' && c <= 'Z' &&
		    (raw[12] & (i < 8 ? FAT_CASE_LOWER_BASE : FAT_CASE_LOWER_EXT)))
			c = (uint8_t)(c + 32);
		out[n++] = c < 0x20 || c >= 0x7f ? '_' : (char)c;
	}
	out[n] = 0;
}

/* Long name collected so far while scanning. */
struct lfn_acc {
	uint16_t u[20 * LFN_CHARS];
	int expect;		/* next sequence number wanted, 0: none */
	int count;		/* entries in the name */
	uint8_t sum;
	uint32_t first;		/* entry number of its first entry */
};

static void lfn_take(struct lfn_acc *a, const uint8_t *e, uint32_t idx)
{
	int seq = e[0] & 0x1f, i;

	if (e[0] & LFN_LAST) {
		if (seq < 1 || seq > 20) {
			a->expect = 0;
			return;
		}
		a->count = seq;
		a->expect = seq;
		a->sum = e[13];
		a->first = idx;
	}
	if (!a->expect || seq != a->expect || e[13] != a->sum) {
		a->expect = 0;
		return;
	}
	for (i = 0; i < LFN_CHARS; i++)
		a->u[(seq - 1) * LFN_CHARS + i] = fat_le16(e + lfn_pos[i]);
	a->expect--;
	if (!a->expect)
		a->expect = -1;	/* complete: the 8.3 entry comes next */
}

/* The long name for the 8.3 entry raw, if the accumulated one fits it. */
static bool lfn_name(struct lfn_acc *a, const uint8_t *raw, char *out)
{
	size_t len = 0;
	int i;

	if (a->expect != -1 || lfn_checksum(raw) != a->sum)
		return false;
	out[0] = 0;
	for (i = 0; i < a->count * LFN_CHARS && a->u[i]; i++)
		if (!put_utf8(out, &len, a->u[i]))
			return false;
	return len > 0;
}

static bool is_dot(const uint8_t *raw)
{
	return raw[0] == '.' && (raw[1] == ' ' || (raw[1] == '.' && raw[2] == ' '));
}

/* The 32 bytes at off, from the cursor's copy when it holds them. */
static int read_entry(struct fat_vol *v, struct fat_dcur *c, uint64_t off,
		      uint8_t *raw)
{
	uint64_t at = off & ~(uint64_t)(sizeof(c->chunk) - 1);
	int r;

	if (at != c->chunk_off) {
		c->chunk_off = UINT64_MAX;
		r = fat_meta_read(v, at, c->chunk, sizeof(c->chunk));
		if (r)
			return r;
		c->chunk_off = at;
	}
	memcpy(raw, c->chunk + (off - at), FAT_DIRENT_SIZE);
	return 0;
}

int fat_dir_next(struct fat_vol *v, struct fat_dcur *c, uint32_t *index,
		 struct fat_dirent *e)
{
	struct lfn_acc a = { .expect = 0 };
	uint64_t off;
	int r;

	for (;; (*index)++) {
		r = entry_off(v, c, *index, &off);
		if (r)
			return r < 0 ? r : 0;
		r = read_entry(v, c, off, e->raw);
		if (r)
			return r;
		if (e->raw[0] == 0)
			return 0;
		if (e->raw[0] == FAT_DELETED) {
			a.expect = 0;
			continue;
		}
		if ((e->raw[11] & 0x3f) == FAT_ATTR_LFN) {
			lfn_take(&a, e->raw, *index);
			continue;
		}
		if ((e->raw[11] & FAT_ATTR_VOLUME) || is_dot(e->raw)) {
			a.expect = 0;
			continue;
		}
		e->off = off;
		e->index = *index;
		e->lfn_index = lfn_name(&a, e->raw, e->name) ? a.first : *index;
		if (e->lfn_index == *index)
			short_name(e->raw, e->name);
		(*index)++;
		return 1;
	}
}

static int ascii_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a;
		int y = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;
		if (x != y || !x)
			return x - y;
	}
}

int fat_dir_find(struct fat_vol *v, uint32_t dir, const char *name,
		 struct fat_dirent *e)
{
	struct fat_dcur c;
	char sn[16];
	uint32_t idx = 0;
	int r;

	fat_dcur_init(&c, dir);
	while ((r = fat_dir_next(v, &c, &idx, e)) > 0) {
		if (!ascii_casecmp(e->name, name))
			return 0;
		short_name(e->raw, sn);
		if (!ascii_casecmp(sn, name))
			return 0;
	}
	return r ? r : -ENOENT;
}

/* ---- adding names ---- */

/* Characters a long name may not hold (besides controls). */
static bool bad_char(unsigned char c)
{
	return c < 0x20 || strchr("\"*/:<>?\\|", c);
}

static bool short_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("$%'-_@~`!(){}^#&", c));
}

/* UTF-8 name to UTF-16 units: the count, or -EINVAL/-ENAMETOOLONG. */
static int to_utf16(const char *name, uint16_t *u)
{
	const unsigned char *p = (const unsigned char *)name;
	int n = 0;

	while (*p) {
		uint32_t c = *p++;
		int more = c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

		if (c >= 0xf0 || (c >= 0x80 && c < 0xc0) || bad_char((uint8_t)c))
			return -EINVAL;	/* outside the BMP, or malformed */
		c &= more == 2 ? 0x0f : more == 1 ? 0x1f : 0x7f;
		for (; more; more--, p++) {
			if ((*p & 0xc0) != 0x80)
				return -EINVAL;
			c = c << 6 | (*p & 0x3f);
		}
		if (n == FAT_LFN_MAX)
			return -ENAMETOOLONG;
		u[n++] = (uint16_t)c;
	}
	return n;
}

/* Fills raw[0..10] and raw[12] when name is an 8.3 name in one case per
 * part; false otherwise. */
static bool fits_83(const char *name, uint8_t *raw)
{
	const char *dot = strchr(name, '.');
	size_t bl = dot ? (size_t)(dot - name) : strlen(name);
	size_t el = dot ? strlen(dot + 1) : 0;
	int lower[2] = { 0 }, upper[2] = { 0 };
	size_t i;

	if (!bl || bl > 8 || el > 3 || (dot && (!el || strchr(dot + 1, '.'))))
		return false;
	memset(raw, ' ', 11);
	raw[12] = 0;
	for (i = 0; name[i]; i++) {
		unsigned char c = (unsigned char)name[i];
		int part = dot && name + i > dot;
		if (name + i == dot)
			continue;
		lower[part] |= c >= 'a' && c <= 'z';
		upper[part] |= c >= 'A' && c <= 'Z';
		if (c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 32);
		if (!short_char(c))
			return false;
		raw[part ? 8 + (size_t)(name + i - dot - 1) : i] = c;
	}
	if ((lower[0] && upper[0]) || (lower[1] && upper[1]))
		return false;
	raw[12] = (uint8_t)((lower[0] ? FAT_CASE_LOWER_BASE : 0) |
			    (lower[1] ? FAT_CASE_LOWER_EXT : 0));
	return true;
}

/* Whether an 8.3 entry with this name exists. */
static int short_exists(struct fat_vol *v, uint32_t dir, const uint8_t *raw)
{
	struct fat_dirent e;
	struct fat_dcur c;
	uint32_t idx = 0;
	int r;

	fat_dcur_init(&c, dir);
	while ((r = fat_dir_next(v, &c, &idx, &e)) > 0)
		if (!memcmp(e.raw, raw, 11))
			return 1;
	return r;
}

/* A unique alias BASE~N.EXT for a long name. */
static int make_alias(struct fat_vol *v, uint32_t dir, const char *name,
		      uint8_t *raw)
{
	const char *dot = strrchr(name, '.');
	char base[9] = "", ext[4] = "";
	size_t bl = 0, el = 0, k;
	uint32_t n;
	int r;

	for (const char *p = name; *p && p != dot && bl < 6; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == ' ' || c == '.')
			continue;
		c = c >= 'a' && c <= 'z' ? (unsigned char)(c - 32) : c;
		base[bl++] = short_char(c) ? (char)c : '_';
	}
	for (const char *p = dot && dot != name ? dot + 1 : ""; *p && el < 3; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == ' ')
			continue;
		c = c >= 'a' && c <= 'z' ? (unsigned char)(c - 32) : c;
		ext[el++] = short_char(c) ? (char)c : '_';
	}
	if (!bl)
		base[bl++] = '_';
	for (n = 1; n < 1000000; n++) {
		char num[8];
		int nl = 0;
		for (uint32_t x = n; x; x /= 10)
			nl++;
		k = bl + 1 + (size_t)nl > 8 ? 8 - 1 - (size_t)nl : bl;
		memset(raw, ' ', 11);
		memcpy(raw, base, k);
		raw[k] = '~';
		for (int i = nl - 1, x = (int)n; i >= 0; i--, x /= 10)
			num[i] = (char)('0' + x % 10);
		memcpy(raw + k + 1, num, (size_t)nl);
		memcpy(raw + 8, ext, el);
		raw[12] = 0;
		r = short_exists(v, dir, raw);
		if (r <= 0)
			return r;
	}
	return -EEXIST;
}

/* need free consecutive entries: *first gets the first's number.  Grows a
 * chained directory by a zeroed cluster when it is full. */
static int find_slots(struct fat_vol *v, uint32_t dir, int need,
		      uint32_t *first)
{
	struct fat_dcur c;
	uint32_t idx, run = 0, clus;
	uint64_t off;
	uint8_t e[FAT_DIRENT_SIZE];
	int r;

	fat_dcur_init(&c, dir);
	for (idx = 0;; idx++) {
		r = entry_off(v, &c, idx, &off);
		if (r < 0)
			return r;
		if (r)
			break;
		r = read_entry(v, &c, off, e);
		if (r)
			return r;
		run = e[0] == 0 || e[0] == FAT_DELETED ? run + 1 : 0;
		if (run == (uint32_t)need) {
			*first = idx + 1 - run;
			return 0;
		}
	}
	if (!dir || idx >= FAT_MAX_DIR_ENTRIES)
		return -ENOSPC;
	r = fat_alloc(v, c.clus, &clus);
	if (!r)
		r = fat_meta_zero_cluster(v, clus);
	if (r)
		return r;
	/* A run at the old end continues into the new cluster; a long name
	 * may need more than one new cluster (21 entries, 16 per 512 bytes):
	 * scan again, which grows again if needed. */
	return find_slots(v, dir, need, first);
}

static void lfn_entry(uint8_t *e, const uint16_t *u, int n, int seq,
		      int count, uint8_t sum)
{
	int i;

	memset(e, 0, FAT_DIRENT_SIZE);
	e[0] = (uint8_t)(seq | (seq == count ? LFN_LAST : 0));
	e[11] = FAT_ATTR_LFN;
	e[13] = sum;
	for (i = 0; i < LFN_CHARS; i++) {
		int k = (seq - 1) * LFN_CHARS + i;
		fat_put16(e + lfn_pos[i], k < n ? u[k] : k == n ? 0 : 0xffff);
	}
}

static int check_name(const char *name)
{
	size_t l = strlen(name);

	if (!l || name[l - 1] == ' ' || name[l - 1] == '.')
		return -EINVAL;
	return 0;
}

int fat_dir_add(struct fat_vol *v, uint32_t dir, const char *name,
		const uint8_t *raw, struct fat_dirent *e)
{
	uint16_t u[FAT_LFN_MAX];
	struct fat_dcur c;
	int n = to_utf16(name, u), count = 0, r, i;
	uint32_t first;

	if (n < 0)
		return n;
	if ((r = check_name(name)))
		return r;
	r = fat_dir_find(v, dir, name, e);
	if (r != -ENOENT)
		return r ? r : -EEXIST;
	memcpy(e->raw, raw, FAT_DIRENT_SIZE);
	if (!fits_83(name, e->raw)) {
		r = make_alias(v, dir, name, e->raw);
		if (r)
			return r;
		count = (n + LFN_CHARS - 1) / LFN_CHARS;
	}
	r = find_slots(v, dir, count + 1, &first);
	fat_dcur_init(&c, dir);
	for (i = 0; !r && i <= count; i++) {
		uint8_t le[FAT_DIRENT_SIZE];
		uint64_t off;
		r = entry_off(v, &c, first + (uint32_t)i, &off);
		if (r)
			return r < 0 ? r : -EIO;
		if (i < count)
			lfn_entry(le, u, n, count - i, count,
				  lfn_checksum(e->raw));
		r = fat_meta_write(v, off, i < count ? le : e->raw,
				   FAT_DIRENT_SIZE);
		e->off = off;
	}
	e->lfn_index = first;
	e->index = first + (uint32_t)count;
	strcpy(e->name, name);
	return r;
}

int fat_dir_remove(struct fat_vol *v, uint32_t dir, const struct fat_dirent *e)
{
	struct fat_dcur c;
	uint8_t del = FAT_DELETED;
	uint32_t i;
	uint64_t off;
	int r = 0;

	fat_dcur_init(&c, dir);
	for (i = e->lfn_index; !r && i <= e->index; i++) {
		r = entry_off(v, &c, i, &off);
		if (r > 0)
			r = -EIO;
		if (!r)
			r = fat_meta_write(v, off, &del, 1);
	}
	return r;
}

int fat_dir_is_empty(struct fat_vol *v, uint32_t dir)
{
	struct fat_dirent e;
	struct fat_dcur c;
	uint32_t idx = 0;
	int r;

	fat_dcur_init(&c, dir);
	r = fat_dir_next(v, &c, &idx, &e);
	return r < 0 ? r : !r;
}

uint32_t fat_dirent_cluster(const struct fat_vol *v, const uint8_t *raw)
{
	uint32_t hi = v->g.type == 32 ? fat_le16(raw + 20) : 0;

	return hi << 16 | fat_le16(raw + 26);
}

void fat_dirent_set_cluster(uint8_t *raw, uint32_t clus)
{
	fat_put16(raw + 20, (uint16_t)(clus >> 16));
	fat_put16(raw + 26, (uint16_t)clus);
}

/* ---- times: FAT keeps local time; Vireo's clock is UTC ---- */

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

void fat_time_encode(uint64_t ns, uint16_t *date, uint16_t *time)
{
	int64_t s = (int64_t)(ns / 1000000000ULL), z = s / 86400 + 719468;
	int64_t era = z / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153, sec = (unsigned)(s % 86400);
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = (int64_t)yoe + era * 400 + (m <= 2);

	if (y < 1980) {
		*date = (0 << 9) | (1 << 5) | 1;	/* 1980-01-01 */
		*time = 0;
		return;
	}
	if (y > 2107)
		y = 2107;
	*date = (uint16_t)((y - 1980) << 9 | m << 5 | d);
	*time = (uint16_t)((sec / 3600) << 11 | (sec / 60 % 60) << 5 |
			   (sec % 60) / 2);
}

uint64_t fat_time_decode(uint16_t date, uint16_t time)
{
	unsigned m = (date >> 5) & 15, d = date & 31;
	int64_t days;

	if (m < 1 || m > 12 || d < 1)
		return 0;	/* no date: the epoch */
	days = days_from_civil(1980 + (date >> 9), m, d);
	return (uint64_t)(days * 86400 + (time >> 11) * 3600 +
			  ((time >> 5) & 63) * 60 + (time & 31) * 2) *
	       1000000000ULL;
}
