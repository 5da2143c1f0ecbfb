/* simulate.c: a deterministic county simulator: writes every village's import CSVs
 * (shared/data/reference-county layout) for demos, tests and benchmarks. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>

#include "buf.h"
#include "error.h"
#include "parse.h"

/*
 * Determinism: every random choice comes from xoshiro256** streams seeded with
 * splitmix64, and only integer arithmetic decides anything (no floating point, no
 * rand(), no clock, no locale), so the same options give byte-identical output on
 * every machine. The county stream draws the township and village names; each
 * village then has its own stream, seeded from (seed, village code), so a
 * village's records do not depend on how many other villages are simulated.
 */

#define MAX_MONTHS 120
#define MAX_TOWNSHIPS 999
#define MAX_VILLAGES_PER_TOWNSHIP 799 /* village numbers 201..999 */

#define MAX_MEMBERS 70 /* the largest members_max of the activity profiles */

enum activity { ACTIVITY_LOW, ACTIVITY_NORMAL, ACTIVITY_HIGH };

struct sim_opts {
	const char *out;
	const char *county;
	int townships, villages_per_township, months, year;
	enum activity activity;
	uint64_t seed;
};

/* ---- pseudo-random numbers ---- */

struct rng {
	uint64_t s[4];
};

/* splitmix64 (Vigna): advances *state and returns the next output. */
static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Seeds a xoshiro256** state from one 64-bit seed through splitmix64. */
static void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

/* x rotated left by k bits (0 < k < 64). */
static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman and Vigna). */
static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n), n > 0, without modulo bias (Lemire's method). */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	uint64_t m = (uint64_t)(uint32_t)(rng_next(r) >> 32) * n;
	uint32_t low = (uint32_t)m;

	if (low < n) {
		uint32_t threshold = (uint32_t)(-n) % n;
		while (low < threshold) {
			m = (uint64_t)(uint32_t)(rng_next(r) >> 32) * n;
			low = (uint32_t)m;
		}
	}
	return (uint32_t)(m >> 32);
}

/* Uniform in [lo, hi]. */
static int rng_range(struct rng *r, int lo, int hi)
{
	return lo + (int)rng_below(r, (uint32_t)(hi - lo + 1));
}

/* True with probability per10k / 10000. */
static bool rng_chance(struct rng *r, int per10k)
{
	return (int)rng_below(r, 10000) < per10k;
}

/* Successes in n trials of probability per10k / 10000 each. */
static int rng_binomial(struct rng *r, int n, int per10k)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		k += rng_chance(r, per10k);
	return k;
}

/* An index into weights[0..n), chosen with probability proportional to weights. */
static int rng_weighted(struct rng *r, const int *weights, int n)
{
	int total = 0, pick;

	for (int i = 0; i < n; i++)
		total += weights[i];
	pick = (int)rng_below(r, (uint32_t)total);
	for (int i = 0; i < n; i++) {
		if (pick < weights[i])
			return i;
		pick -= weights[i];
	}
	return n - 1;
}

/* ---- the simulated county's vocabulary ---- */

/* Characters as NUL-separated UTF-8 strings: every Chinese character used here is
 * three bytes, so pool[i] is at offset 3 * i. */
#define CH(pool, i) ((pool) + 3 * (size_t)(i))
#define POOL_LEN(pool) ((int)((sizeof(pool) - 1) / 3))

/* The twenty commonest surnames first: they are drawn three times in four. */
static const char surnames[] =
	"王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
	"郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤";
#define COMMON_SURNAMES 20
static const char male_given[] = "建国军伟强明华志刚文平东海福德永春立新保林成忠学俊峰亮斌勇杰宏涛鹏辉龙飞庆山荣振江";
static const char female_given[] = "秀兰英芳桂玉梅丽红霞凤珍琴云燕娟萍敏静洁翠莲香花淑慧春金";
static const char place_chars[] =
	"东西南北上下前后大小新老石马柳杨桃杏枣槐梨柏松岭山泉沙龙凤安平和兴福宁丰乐泰王李张赵刘陈郭高"
	"长青白红黄金水土田中古庙桥双三";

static const char *const village_suffixes[] = {
	"河村", "营村", "庄村", "沟村", "峪村", "寨村", "坡村", "店村", "屯村", "堡村", "头村", "湾村",
};
#define N_VILLAGE_SUFFIXES ((int)(sizeof(village_suffixes) / sizeof(village_suffixes[0])))

/* The point rules the simulated county uses: the default catalogue. Weights give
 * how often clerks record each (per thousand events). */
struct sim_rule {
	const char *code, *category, *name;
	int points; /* tenths */
	int weight;
};
static const struct sim_rule rules[] = {
	{ "B01", "base", "参加主题党日活动", 20, 250 },
	{ "B02", "base", "按时交纳党费", 10, 190 },
	{ "B03", "base", "参加三会一课", 10, 170 },
	{ "M01", "merit", "志愿服务", 30, 90 },
	{ "M02", "merit", "认领微心愿", 20, 70 },
	{ "M03", "merit", "调解矛盾纠纷", 30, 40 },
	{ "P01", "bonus", "获县级以上表彰", 50, 20 },
	{ "P02", "bonus", "带头发展集体经济", 15, 30 },
	{ "D01", "deduction", "无故缺席组织生活", -20, 25 },
	{ "D02", "deduction", "违反村规民约", -35, 15 },
};
#define N_RULES ((int)(sizeof(rules) / sizeof(rules[0])))
#define ZEROING_RULE "Z01"

struct sim_item {
	const char *code, *name;
	int max_score; /* tenths */
};
static const struct sim_item standard_items[] = {
	{ "S1", "坚强有力的村级班子", 200 }, { "S2", "作用突出的党员队伍", 150 },
	{ "S3", "规范完善的运转机制", 150 }, { "S4", "功能完善的党建阵地", 150 },
	{ "S5", "持续稳定的集体收入", 200 }, { "S6", "和谐安定的社会环境", 150 },
};
#define N_ITEMS ((int)(sizeof(standard_items) / sizeof(standard_items[0])))

static const char *const veto_items[][2] = {
	{ "V1", "信访大案要案" }, { "V2", "治安刑事案件" },
	{ "V3", "安全生产责任事故" }, { "V4", "村霸恶势力干扰" },
};

static const char *const event_notes[] = { "", "", "会议签到", "现场照片已存档" };
static const char *const task_titles[] = {
	"走访困难户", "修缮党群服务中心", "核对集体资产台账", "整改软弱涣散问题", "组织志愿服务",
	"清理垃圾堆", "排查安全隐患", "更新党员档案", "召开村民代表会议", "整治人居环境",
};
static const char *const task_categories[] = { "党建", "治理", "民生", "发展" };
static const char *const request_categories[] = {
	"邻里纠纷", "路灯", "停车", "环境卫生", "水管", "道路维修", "低保咨询", "宅基地",
};
static const char *const income_sources[] = { "合作社分红", "物业租赁", "土地流转", "农产品销售" };

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- how busy villages are ---- */

struct activity_profile {
	int members_min, members_max;
	int event_trials, event_per10k; /* point events per member and month */
	int task_trials, task_per10k;   /* tasks due per month */
	int request_trials, request_per10k;
};
static const struct activity_profile profiles[] = {
	[ACTIVITY_LOW] = { 12, 25, 4, 2000, 3, 4000, 4, 4000 },
	[ACTIVITY_NORMAL] = { 20, 45, 6, 2500, 4, 5000, 6, 5000 },
	[ACTIVITY_HIGH] = { 35, 70, 8, 3000, 6, 5000, 8, 6000 },
};

/* ---- output helpers ---- */

/*
 * Every text the simulator writes comes from the vocabulary above, which holds no
 * ',', '"' or line end, so no CSV field needs quoting.
 */

/* Value in units of 10^-places with exactly `places` decimals, into text[32]. */
static const char *fixed_text(char *text, int64_t value, int places)
{
	stele_format_fixed(text, value, places);
	return text;
}

/* YYYY-MM-DD of days, into text[11]. */
static const char *date_text(char *text, int32_t days)
{
	stele_format_date(text, days);
	return text;
}

/* Writes the buffer to path (replacing it). */
static int write_file(const char *path, const struct stele_buf *b)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (!f)
		return stele_error(STELE_EFAIL, "cannot create %s: %s", path, strerror(errno));
	if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
		rc = stele_error(STELE_EFAIL, "cannot write %s: %s", path, strerror(errno));
	if (fclose(f) != 0 && rc == 0)
		rc = stele_error(STELE_EFAIL, "cannot write %s: %s", path, strerror(errno));
	return rc;
}

/* Creates directory path; one that exists already is fine. */
static int make_dir(const char *path)
{
	if (mkdir(path, 0777) != 0 && errno != EEXIST)
		return stele_error(STELE_EFAIL, "cannot create directory %s: %s", path, strerror(errno));
	return 0;
}

/* Creates the output directory; refuses one that exists and is not empty, so no
 * village of an earlier, larger run is left behind. */
static int make_out_dir(const char *path)
{
	DIR *dir;
	struct dirent *entry;
	bool empty = true;

	if (mkdir(path, 0777) == 0)
		return 0;
	if (errno != EEXIST)
		return stele_error(STELE_EFAIL, "cannot create directory %s: %s", path, strerror(errno));
	if (!(dir = opendir(path)))
		return stele_error(STELE_EFAIL, "cannot open directory %s: %s", path, strerror(errno));
	while ((entry = readdir(dir)))
		if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
			empty = false;
	closedir(dir);
	if (!empty)
		return stele_error(STELE_EFAIL, "output directory %s is not empty", path);
	return 0;
}

/* ---- the simulated period ---- */

/* Month i of the simulation (0-based) as days: first day, and number of days. */
struct period {
	int first_month;                /* year * 12 + month - 1 */
	int months;
	int32_t first_day[MAX_MONTHS + 1]; /* [months] is the day after the last */
	char month_text[MAX_MONTHS][8];
	int32_t start, end;             /* first and last day simulated */
};

/* The simulated months: Y-01 and the months - 1 after it. */
static void period_init(struct period *p, int year, int months)
{
	p->first_month = year * 12;
	p->months = months;
	for (int i = 0; i <= months; i++) {
		int m = p->first_month + i;
		p->first_day[i] = stele_days_from_civil(m / 12, m % 12 + 1, 1);
		if (i < months)
			stele_format_month(p->month_text[i], m);
	}
	p->start = p->first_day[0];
	p->end = p->first_day[months] - 1;
}

/* ---- one village ---- */

struct member {
	char id[16];
	const char *status;
	int left_month; /* events stop at this month index (members who left or died) */
	int rate;       /* per10k multiplier of the village's event rate: 10000 = normal */
};

/* One village's files as they are built. The buffers belong to simulate(), which
 * reuses them for every village (sim_village resets them) and frees them. */
struct village_out {
	struct stele_buf members, points, tasks, requests, income, assessments, closes;
	int assessed_first, assessed_last; /* the years declared; first > last: none */
};

struct counts {
	long villages, members, events, tasks, requests, income, assessments, vetoes, reviews;
};

/* A person's name, surname and one or two given-name characters, into name
 * (at least 10 bytes). */
static void person_name(char *name, struct rng *r, char gender)
{
	const char *given = gender == 'F' ? female_given : gender == 'M' ? male_given
			  : rng_chance(r, 5000) ? female_given : male_given;
	uint32_t ngiven = (uint32_t)(given == female_given ? POOL_LEN(female_given) : POOL_LEN(male_given));
	int s = rng_chance(r, 7500) ? rng_range(r, 0, COMMON_SURNAMES - 1)
				    : rng_range(r, COMMON_SURNAMES, POOL_LEN(surnames) - 1);
	size_t len = 0;

	memcpy(name, CH(surnames, s), 3);
	len += 3;
	memcpy(name + len, CH(given, rng_below(r, ngiven)), 3);
	len += 3;
	if (rng_chance(r, 8000)) {
		memcpy(name + len, CH(given, rng_below(r, ngiven)), 3);
		len += 3;
	}
	name[len] = '\0';
}

/* A stage for a point event: mostly settled in closed months, often still under
 * review in the last (open) one. */
static const char *event_stage(struct rng *r, bool open_month)
{
	static const char *const stages[] = { "published", "assembly", "committee", "group",
					      "recorded", "rejected" };
	static const int settled[] = { 5400, 3300, 300, 250, 250, 500 };
	static const int open[] = { 1500, 2000, 1500, 2000, 2500, 500 };

	return stages[rng_weighted(r, open_month ? open : settled, 6)];
}

/* The members roll: fills members[0..*out_n) (room for MAX_MEMBERS), appends
 * members.csv to o->members. */
static int sim_members(struct village_out *o, struct member *members, int *out_n,
		       struct rng *r, const struct sim_opts *opts, const struct period *p,
		       int grids)
{
	static const char *const statuses[] = { "active", "flowing", "transferred_out", "deceased" };
	static const int status_weights[] = { 8600, 600, 450, 350 };
	const struct activity_profile *prof = &profiles[opts->activity];
	int n = rng_range(r, prof->members_min, prof->members_max);
	struct stele_buf *b = &o->members;
	char name[16], date[11];
	int rc = stele_buf_puts(b, "id,name,gender,born,joined,status,grid\n");

	if (n > MAX_MEMBERS)
		n = MAX_MEMBERS;

	for (int i = 0; rc == 0 && i < n; i++) {
		struct member *m = &members[i];
		int gp = rng_range(r, 0, 99);
		char gender = gp < 70 ? 'M' : gp < 97 ? 'F' : 0;
		int born = opts->year - 22 - rng_range(r, 0, 60);
		int joined_year = rng_range(r, born + 18, opts->year - 1);
		int32_t jan1 = stele_days_from_civil(joined_year, 1, 1);
		int32_t joined = jan1 + rng_range(r, 0, stele_days_from_civil(joined_year + 1, 1, 1) - jan1 - 1);

		snprintf(m->id, sizeof(m->id), "M%04d", i + 1);
		m->status = statuses[rng_weighted(r, status_weights, 4)];
		m->left_month = p->months;
		m->rate = 10000;
		if (strcmp(m->status, "flowing") == 0)
			m->rate = 4000;
		else if (strcmp(m->status, "active") != 0)
			m->left_month = rng_range(r, 0, p->months - 1);

		person_name(name, r, gender);
		rc = stele_buf_printf(b, "%s,%s,%s,%d,%s,%s,G%d\n", m->id, name,
				      gender == 'M' ? "M" : gender == 'F' ? "F" : "", born,
				      date_text(date, joined), m->status, rng_range(r, 1, grids));
	}
	if (rc == 0)
		*out_n = n;
	return rc;
}

/* points.csv into o->points: each member's events, month by month. */
static int sim_points(struct village_out *o, struct counts *c, struct rng *r,
		      const struct sim_opts *opts, const struct period *p,
		      const struct member *members, int nmembers, int quality)
{
	const struct activity_profile *prof = &profiles[opts->activity];
	int weights[N_RULES];
	struct stele_buf *b = &o->points;
	char date[11], value[32];
	long seq = 0;
	int rc = stele_buf_puts(b, "id,member_id,rule_code,occurred_on,points,stage,note\n");

	for (int i = 0; i < N_RULES; i++)
		weights[i] = rules[i].weight;
	/* Better-run villages get more of their members to take part. */
	int village_per10k = prof->event_per10k * (60 + quality / 2) / 100;

	for (int mi = 0; rc == 0 && mi < p->months; mi++) {
		int32_t day0 = p->first_day[mi];
		int ndays = p->first_day[mi + 1] - day0;
		bool open = mi == p->months - 1;

		for (int k = 0; rc == 0 && k < nmembers; k++) {
			const struct member *m = &members[k];
			int n;

			if (mi >= m->left_month)
				continue;
			n = rng_binomial(r, prof->event_trials, (int)((int64_t)village_per10k * m->rate / 10000));
			/* Rarely, a member is disciplined: 一次清零. */
			bool zeroed = rng_chance(r, 3);
			for (int e = 0; rc == 0 && e < n + zeroed; e++) {
				bool zero = e == n;
				const struct sim_rule *rule = zero ? NULL : &rules[rng_weighted(r, weights, N_RULES)];
				int points = zero ? 0 : rule->points;
				const char *note = zero ? "受到党纪处分"
						   : rule->points < 0 ? ""
						   : event_notes[rng_below(r, N_OF(event_notes))];

				/* One event in ten has its points adjusted by half a point,
				 * keeping the category's sign. */
				if (!zero && rng_chance(r, 1000))
					points += points > 0 ? (rng_chance(r, 5000) ? 5 : (points > 5 ? -5 : 5))
							     : (rng_chance(r, 5000) ? -5 : 5);
				date_text(date, day0 + rng_range(r, 0, ndays - 1));
				rc = stele_buf_printf(b, "E%06ld,%s,%s,%s,%s,%s,%s\n", ++seq, m->id,
						      zero ? ZEROING_RULE : rule->code, date,
						      fixed_text(value, points, 1),
						      zero ? "published" : event_stage(r, open), note);
			}
		}
	}
	c->events += seq;
	return rc;
}

/* qsort order of ints, ascending. */
static int compare_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* tasks.csv into o->tasks: tasks due each month, by due date, with their closes. */
static int sim_tasks(struct village_out *o, struct counts *c, struct rng *r,
		     const struct sim_opts *opts, const struct period *p,
		     const struct member *members, int nmembers, int quality)
{
	const struct activity_profile *prof = &profiles[opts->activity];
	struct stele_buf *b = &o->tasks;
	char due[11], closed[11];
	long seq = 0;
	int on_time = 5000 + quality * 45;
	int rc = stele_buf_puts(b, "id,title,category,assignee,due_on,closed_on\n");

	for (int mi = 0; rc == 0 && mi < p->months; mi++) {
		int32_t day0 = p->first_day[mi];
		int ndays = p->first_day[mi + 1] - day0;
		int n = rng_binomial(r, prof->task_trials, prof->task_per10k);
		int due_day[16];

		for (int t = 0; t < n; t++)
			due_day[t] = rng_range(r, 0, ndays - 1);
		qsort(due_day, (size_t)n, sizeof(due_day[0]), compare_int);
		for (int t = 0; rc == 0 && t < n; t++) {
			int32_t due_on = day0 + due_day[t], closed_on = -1;
			const struct member *assignee = &members[rng_below(r, (uint32_t)nmembers)];
			int outcome = rng_range(r, 0, 9999);

			if (outcome < on_time)
				closed_on = due_on - rng_range(r, 0, 12);
			else if (outcome < on_time + (10000 - on_time) * 6 / 10)
				closed_on = due_on + rng_range(r, 1, 20);
			if (closed_on != -1 && closed_on < p->start)
				closed_on = p->start;
			if (closed_on > p->end)
				closed_on = -1; /* not closed yet when the simulation ends */
			const char *title = task_titles[rng_below(r, N_OF(task_titles))];
			const char *category = task_categories[rng_below(r, N_OF(task_categories))];
			const char *assigned = rng_chance(r, 9000) ? assignee->id : "";

			rc = stele_buf_printf(b, "T%04ld,%s,%s,%s,%s,%s\n", ++seq, title, category, assigned,
					      date_text(due, due_on),
					      closed_on == -1 ? "" : date_text(closed, closed_on));
		}
	}
	c->tasks += seq;
	return rc;
}

/* requests.csv into o->requests: requests received each month, with resolutions. */
static int sim_requests(struct village_out *o, struct counts *c, struct rng *r,
			const struct sim_opts *opts, const struct period *p, int grids, int quality)
{
	const struct activity_profile *prof = &profiles[opts->activity];
	struct stele_buf *b = &o->requests;
	char received_text[11], resolved_text[11];
	long seq = 0;
	int in_time = 4000 + quality * 55;
	int rc = stele_buf_puts(b, "id,received_on,category,grid,resolved_on,satisfied\n");

	for (int mi = 0; rc == 0 && mi < p->months; mi++) {
		int32_t day0 = p->first_day[mi];
		int ndays = p->first_day[mi + 1] - day0;
		int n = rng_binomial(r, prof->request_trials, prof->request_per10k);

		for (int q = 0; rc == 0 && q < n; q++) {
			int32_t received = day0 + rng_range(r, 0, ndays - 1), resolved = -1;
			const char *satisfied = "";

			if (rng_chance(r, 8800))
				resolved = received + (rng_chance(r, in_time) ? rng_range(r, 0, 7)
									     : rng_range(r, 8, 30));
			if (resolved > p->end)
				resolved = -1;
			if (resolved != -1) {
				int s = rng_range(r, 0, 99);
				satisfied = s < 70 ? "1" : s < 85 ? "0" : "";
			}
			const char *category = request_categories[rng_below(r, N_OF(request_categories))];
			int grid = rng_range(r, 1, grids);

			rc = stele_buf_printf(b, "R%04ld,%s,%s,G%d,%s,%s\n", ++seq, date_text(received_text, received),
					      category, grid, resolved == -1 ? "" : date_text(resolved_text, resolved),
					      satisfied);
		}
	}
	c->requests += seq;
	return rc;
}

/* income.csv into o->income: each month's income by source. */
static int sim_income(struct village_out *o, struct counts *c, struct rng *r,
		      const struct period *p)
{
	struct stele_buf *b = &o->income;
	char value[32];
	long seq = 0;
	int rc = stele_buf_puts(b, "id,period,amount,source\n");
	/* One village in twenty has no collective income at all. */
	bool none = rng_chance(r, 500);
	int64_t scale_fen = (int64_t)rng_range(r, 3000, 60000) * 100;

	for (int mi = 0; rc == 0 && !none && mi < p->months; mi++) {
		int k = rng_range(r, 0, 9), n = k < 3 ? 0 : k < 8 ? 1 : 2;
		int first = (int)rng_below(r, N_OF(income_sources));
		int step = 1 + (int)rng_below(r, N_OF(income_sources) - 1);

		/* Distinct sources, in catalogue order: (period, source) is unique. */
		for (int s = 0; rc == 0 && s < N_OF(income_sources); s++) {
			bool chosen = (n >= 1 && s == first) ||
				      (n >= 2 && s == (first + step) % N_OF(income_sources));
			if (!chosen)
				continue;
			int64_t amount = scale_fen * rng_range(r, 40, 160) / 100 + rng_range(r, 0, 99);
			rc = stele_buf_printf(b, "I%04ld,%s,%s,%s\n", ++seq, p->month_text[mi],
					      fixed_text(value, amount, 2), income_sources[s]);
		}
	}
	c->income += seq;
	return rc;
}

/* assessments.csv into o->assessments: S1..S6 for each simulated year (or none,
 * or only the year before). */
static int sim_assessments(struct village_out *o, struct counts *c, struct rng *r,
			   const struct period *p, int quality)
{
	struct stele_buf *b = &o->assessments;
	char value[32];
	int first_year = p->first_month / 12, last_year = (p->first_month + p->months - 1) / 12;
	int mode = rng_range(r, 0, 99); /* 0..4: never assessed; 5..9: only the year before */
	int rc = stele_buf_puts(b, "year,item_code,score,note\n");

	o->assessed_first = 1;
	o->assessed_last = 0;
	if (mode < 5)
		return rc;
	if (mode < 10)
		last_year = first_year = first_year - 1;
	o->assessed_first = first_year;
	o->assessed_last = last_year;
	for (int y = first_year; rc == 0 && y <= last_year; y++) {
		for (int i = 0; rc == 0 && i < N_ITEMS; i++) {
			int max = standard_items[i].max_score;
			int share = 50 + quality / 2 + rng_range(r, -10, 8);
			int score = share < 0 ? 0 : max * share / 100;

			if (score > max)
				score = max;
			rc = stele_buf_printf(b, "%d,%s,%s,\n", y, standard_items[i].code,
					      fixed_text(value, score, 1));
			c->assessments++;
		}
	}
	return rc;
}

/*
 * The county's review of the years o declared, appended to reviews (reviews.csv:
 * village_code,year,item_code,score,note, loaded as the reference county's
 * README says): most years approved as declared, one in ten with an item cut by
 * the township before the approval, one in ten adjusted after it, and one in
 * ten left pending. From its own stream r, so the village files do not change.
 */
static int sim_reviews(struct stele_buf *reviews, struct counts *c, struct rng *r,
		       const struct village_out *o, const char *code)
{
	char value[32];
	int rc = 0;

	for (int y = o->assessed_first; rc == 0 && y <= o->assessed_last; y++) {
		int kind = rng_range(r, 0, 9), item = (int)rng_below(r, N_ITEMS);
		int max = standard_items[item].max_score, cut = max * rng_range(r, 40, 90) / 100;

		if (kind == 1 || kind == 3)
			rc = stele_buf_printf(reviews, "%s,%d,%s,%s,%s\n", code, y,
					      standard_items[item].code, fixed_text(value, cut, 1),
					      kind == 1 ? "乡镇初审核减" : "佐证材料不全");
		if (rc == 0 && kind != 3)
			rc = stele_buf_printf(reviews, "%s,%d,,,%s\n", code, y,
					      kind == 0 ? "县级批准" : "");
		if (rc == 0 && kind == 2)
			rc = stele_buf_printf(reviews, "%s,%d,%s,%s,县级复核\n", code, y,
					      standard_items[item].code, fixed_text(value, cut, 1));
		c->reviews++;
	}
	return rc;
}

/* closes.txt into o->closes: every simulated month but the last. */
static int sim_closes(struct village_out *o, const struct period *p)
{
	int rc = 0;

	for (int mi = 0; rc == 0 && mi < p->months - 1; mi++)
		rc = stele_buf_printf(&o->closes, "%s\n", p->month_text[mi]);
	return rc;
}

/* Writes one village's directory under out/villages/. */
static int sim_village(struct village_out *o, struct counts *c, struct stele_buf *vetoes,
		       struct stele_buf *reviews, const struct sim_opts *opts,
		       const struct period *p, const char *code)
{
	static const char *const files[] = { "members.csv", "points.csv", "tasks.csv", "requests.csv",
					     "income.csv", "assessments.csv", "closes.txt" };
	struct stele_buf *bufs[] = { &o->members, &o->points, &o->tasks, &o->requests, &o->income,
				     &o->assessments, &o->closes };
	struct member members[MAX_MEMBERS];
	struct rng r;
	uint64_t seed = opts->seed, code_value = strtoull(code, NULL, 10);
	char path[4096];
	int nmembers = 0, grids, quality, rc = 0;
	size_t dirlen;

	/* The village's own stream: from the seed and its code only. */
	seed = splitmix64(&seed) ^ code_value;
	rng_seed(&r, splitmix64(&seed));
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		stele_buf_reset(bufs[i]);
	grids = rng_range(&r, 3, 6);
	quality = rng_range(&r, 35, 95);

	if ((rc = sim_members(o, members, &nmembers, &r, opts, p, grids)) < 0 ||
	    (rc = sim_points(o, c, &r, opts, p, members, nmembers, quality)) < 0 ||
	    (rc = sim_tasks(o, c, &r, opts, p, members, nmembers, quality)) < 0 ||
	    (rc = sim_requests(o, c, &r, opts, p, grids, quality)) < 0 ||
	    (rc = sim_income(o, c, &r, p)) < 0 ||
	    (rc = sim_assessments(o, c, &r, p, quality)) < 0 ||
	    (rc = sim_closes(o, p)) < 0)
		return rc;
	/* One village in a hundred has a veto event in the first year. */
	if (rng_chance(&r, 100)) {
		int v = (int)rng_below(&r, N_OF(veto_items));
		rc = stele_buf_printf(vetoes, "%s,%s,%d,%s\n", code, veto_items[v][0], opts->year,
				      veto_items[v][1]);
		c->vetoes++;
	}
	if (rc < 0)
		return rc;
	rng_seed(&r, splitmix64(&seed));
	if ((rc = sim_reviews(reviews, c, &r, o, code)) < 0)
		return rc;

	snprintf(path, sizeof(path), "%s/villages/%s", opts->out, code);
	if ((rc = make_dir(path)) < 0)
		return rc;
	dirlen = strlen(path);
	for (size_t i = 0; rc == 0 && i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path + dirlen, sizeof(path) - dirlen, "/%s", files[i]);
		rc = write_file(path, bufs[i]);
	}
	c->villages++;
	c->members += nmembers;
	return rc;
}

/* ---- county-level names ---- */

/*
 * Names are drawn as indices; a name's key (its indices packed into one integer)
 * marks it taken, so no two townships, and no two villages, share a name. After
 * many collisions (a county far larger than any real one) a repeat is allowed.
 */
struct name_set {
	unsigned char *taken;
	size_t size;
};

/* Marks key taken; false if it already was. */
static bool name_take(struct name_set *set, size_t key)
{
	if (set->taken[key % set->size])
		return false;
	set->taken[key % set->size] = 1;
	return true;
}

/* A township name: two place characters and 镇, 乡 or 街道. */
static int township_name(struct stele_buf *b, struct rng *r, struct name_set *set)
{
	static const char *const suffixes[] = { "镇", "乡", "街道" };
	static const int weights[] = { 60, 30, 10 };
	int n = POOL_LEN(place_chars), a, c, s;

	for (int tries = 0;; tries++) {
		a = (int)rng_below(r, (uint32_t)n);
		c = (int)rng_below(r, (uint32_t)n);
		s = rng_weighted(r, weights, 3);
		if (a != c && (name_take(set, ((size_t)a * (size_t)n + (size_t)c) * 3 + (size_t)s) || tries > 100))
			break;
	}
	stele_buf_reset(b);
	if (stele_buf_append(b, CH(place_chars, a), 3) < 0 || stele_buf_append(b, CH(place_chars, c), 3) < 0 ||
	    stele_buf_puts(b, suffixes[s]) < 0)
		return STELE_EFAIL;
	return 0;
}

/* A village name: X家庄村 after a surname, or one or two place characters and a
 * suffix such as 河村 or 营村. */
static int village_name(struct stele_buf *b, struct rng *r, struct name_set *set)
{
	int n = POOL_LEN(place_chars), a, c, s;
	bool jiazhuang;

	for (int tries = 0;; tries++) {
		jiazhuang = rng_chance(r, 1500);
		a = (int)rng_below(r, jiazhuang ? 40u : (uint32_t)n);
		c = rng_chance(r, 6000) ? (int)rng_below(r, (uint32_t)n) : n; /* n: none */
		s = (int)rng_below(r, N_VILLAGE_SUFFIXES);
		size_t key = jiazhuang ? (size_t)a
				       : 40 + (((size_t)a * (size_t)(n + 1) + (size_t)c) * N_VILLAGE_SUFFIXES + (size_t)s);
		if ((!jiazhuang && a == c) || !(name_take(set, key) || tries > 100))
			continue;
		break;
	}
	stele_buf_reset(b);
	if (jiazhuang)
		return stele_buf_append(b, CH(surnames, a), 3) < 0 || stele_buf_puts(b, "家庄村") < 0 ? STELE_EFAIL : 0;
	if (stele_buf_append(b, CH(place_chars, a), 3) < 0 ||
	    (c < n && stele_buf_append(b, CH(place_chars, c), 3) < 0) ||
	    stele_buf_puts(b, village_suffixes[s]) < 0)
		return STELE_EFAIL;
	return 0;
}

/* The rules catalogue the simulated villages score against, in rules import
 * format, under out/rules/. Frees what it allocates. */
static int write_rules(const char *out)
{
	struct stele_buf b = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	char path[4096];
	int rc;

	snprintf(path, sizeof(path), "%s/rules", out);
	if ((rc = make_dir(path)) < 0)
		goto done;
	char value[32];

	rc = stele_buf_puts(&b, "code,category,name,points,active\n");
	for (int i = 0; rc == 0 && i < N_RULES; i++)
		rc = stele_buf_printf(&b, "%s,%s,%s,%s,1\n", rules[i].code, rules[i].category,
				      rules[i].name, fixed_text(value, rules[i].points, 1));
	if (rc < 0 || (rc = stele_buf_puts(&b, ZEROING_RULE ",zeroing,受到党纪处分,0.0,1\n")) < 0)
		goto done;
	snprintf(path, sizeof(path), "%s/rules/point-rules.csv", out);
	if ((rc = write_file(path, &b)) < 0)
		goto done;

	stele_buf_reset(&b);
	rc = stele_buf_puts(&b, "code,name,max_score\n");
	for (int i = 0; rc == 0 && i < N_ITEMS; i++)
		rc = stele_buf_printf(&b, "%s,%s,%s\n", standard_items[i].code, standard_items[i].name,
				      fixed_text(value, standard_items[i].max_score, 1));
	snprintf(path, sizeof(path), "%s/rules/standard-items.csv", out);
	if (rc < 0 || (rc = write_file(path, &b)) < 0)
		goto done;

	stele_buf_reset(&b);
	rc = stele_buf_puts(&b, "code,name\n");
	for (int i = 0; rc == 0 && i < N_OF(veto_items); i++)
		rc = stele_buf_printf(&b, "%s,%s\n", veto_items[i][0], veto_items[i][1]);
	snprintf(path, sizeof(path), "%s/rules/veto-items.csv", out);
	if (rc == 0)
		rc = write_file(path, &b);
done:
	stele_buf_free(&b);
	return rc;
}

/* The whole county under opts->out; *out_counts says how much was written. Frees
 * everything it allocates. */
static int simulate(struct counts *out_counts, const struct sim_opts *opts)
{
	struct village_out o = { 0 };
	struct stele_buf *all[] = { &o.members, &o.points, &o.tasks, &o.requests, &o.income,
				    &o.assessments, &o.closes };
	struct stele_buf registry = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	struct stele_buf vetoes = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	struct stele_buf reviews = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	struct stele_buf township = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	struct stele_buf village = STELE_BUF_INIT(STELE_BUF_NOLIMIT);
	struct name_set township_names = { NULL, 1u << 20 }, village_names = { NULL, 1u << 22 };
	struct counts c = { 0 };
	struct period p;
	struct rng county;
	uint64_t seed = opts->seed ^ strtoull(opts->county, NULL, 10);
	char path[4096], code[32];
	int rc;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		stele_buf_init(all[i], STELE_BUF_NOLIMIT);
	township_names.taken = calloc(township_names.size, 1);
	village_names.taken = calloc(village_names.size, 1);
	if (!township_names.taken || !village_names.taken) {
		rc = stele_error(STELE_EFAIL, "out of memory");
		goto done;
	}
	rng_seed(&county, splitmix64(&seed));
	period_init(&p, opts->year, opts->months);

	if ((rc = make_out_dir(opts->out)) < 0)
		goto done;
	snprintf(path, sizeof(path), "%s/villages", opts->out);
	if ((rc = make_dir(path)) < 0 || (rc = write_rules(opts->out)) < 0)
		goto done;
	if ((rc = stele_buf_puts(&registry, "code,name,township_name\n")) < 0 ||
	    (rc = stele_buf_puts(&vetoes, "village_code,veto_code,year,note\n")) < 0 ||
	    (rc = stele_buf_puts(&reviews, "village_code,year,item_code,score,note\n")) < 0)
		goto done;
	for (int t = 1; t <= opts->townships; t++) {
		if ((rc = township_name(&township, &county, &township_names)) < 0)
			goto done;
		for (int v = 0; v < opts->villages_per_township; v++) {
			snprintf(code, sizeof(code), "%s%03d%03d", opts->county, t, 201 + v);
			if ((rc = village_name(&village, &county, &village_names)) < 0 ||
			    (rc = stele_buf_printf(&registry, "%s,%s,%s\n", code, village.data,
						   township.data)) < 0 ||
			    (rc = sim_village(&o, &c, &vetoes, &reviews, opts, &p, code)) < 0)
				goto done;
		}
	}
	snprintf(path, sizeof(path), "%s/villages.csv", opts->out);
	if ((rc = write_file(path, &registry)) < 0)
		goto done;
	snprintf(path, sizeof(path), "%s/vetoes.csv", opts->out);
	if ((rc = write_file(path, &vetoes)) < 0)
		goto done;
	snprintf(path, sizeof(path), "%s/reviews.csv", opts->out);
	if ((rc = write_file(path, &reviews)) < 0)
		goto done;
	*out_counts = c;
done:
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		stele_buf_free(all[i]);
	stele_buf_free(&registry);
	stele_buf_free(&vetoes);
	stele_buf_free(&reviews);
	stele_buf_free(&township);
	stele_buf_free(&village);
	free(township_names.taken);
	free(village_names.taken);
	return rc;
}

/* ---- command line ---- */

static void usage(FILE *f)
{
	fputs("usage: simulate --out DIR --townships T --villages-per-township V --months M\n"
	      "                [--year Y] [--activity low|normal|high] [--seed S] [--county CODE]\n"
	      "\n"
	      "Writes a simulated county in the reference county's layout: DIR/villages.csv,\n"
	      "DIR/vetoes.csv, DIR/reviews.csv (the county's review of the self-assessments),\n"
	      "DIR/rules/*.csv and, per village, DIR/villages/CODE/ with\n"
	      "members.csv points.csv tasks.csv requests.csv income.csv assessments.csv\n"
	      "(stele-agent import format) and closes.txt (every month but the last).\n"
	      "The same options always give byte-identical files. DIR must be new or empty.\n"
	      "\n"
	      "  --year Y        first month is Y-01 (default 2026)\n"
	      "  --activity A    how busy the villages are (default normal)\n"
	      "  --seed S        any whole number (default 1)\n"
	      "  --county CODE   six-digit county code (default 990101)\n", f);
}

/* A whole number option in [min, max] (STELE_EUSAGE otherwise). */
static int parse_count(int *out, const char *arg, const char *what, int min, int max)
{
	int64_t v;

	if (stele_parse_int(&v, arg, min, max, what) < 0)
		return stele_error(STELE_EUSAGE, "%s must be a whole number from %d to %d, not '%s'",
				   what, min, max, arg);
	*out = (int)v;
	return 0;
}

/* The command line into *opts; STELE_EUSAGE with a message on any mistake. */
static int parse_args(struct sim_opts *opts, int argc, char **argv)
{
	enum { OPT_OUT = 1, OPT_TOWNSHIPS, OPT_VILLAGES, OPT_MONTHS, OPT_YEAR, OPT_ACTIVITY,
	       OPT_SEED, OPT_COUNTY, OPT_HELP };
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, OPT_OUT },
		{ "townships", required_argument, NULL, OPT_TOWNSHIPS },
		{ "villages-per-township", required_argument, NULL, OPT_VILLAGES },
		{ "months", required_argument, NULL, OPT_MONTHS },
		{ "year", required_argument, NULL, OPT_YEAR },
		{ "activity", required_argument, NULL, OPT_ACTIVITY },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "county", required_argument, NULL, OPT_COUNTY },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int opt, rc = 0;
	char *end;

	*opts = (struct sim_opts){ .county = "990101", .year = 2026, .activity = ACTIVITY_NORMAL, .seed = 1 };
	opterr = 0;
	while (rc == 0 && (opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_OUT: opts->out = optarg; break;
		case OPT_TOWNSHIPS: rc = parse_count(&opts->townships, optarg, "--townships", 1, MAX_TOWNSHIPS); break;
		case OPT_VILLAGES:
			rc = parse_count(&opts->villages_per_township, optarg, "--villages-per-township", 1,
					 MAX_VILLAGES_PER_TOWNSHIP);
			break;
		case OPT_MONTHS: rc = parse_count(&opts->months, optarg, "--months", 1, MAX_MONTHS); break;
		case OPT_YEAR: rc = parse_count(&opts->year, optarg, "--year", 1950, 2900); break;
		case OPT_ACTIVITY:
			if (strcmp(optarg, "low") == 0)
				opts->activity = ACTIVITY_LOW;
			else if (strcmp(optarg, "normal") == 0)
				opts->activity = ACTIVITY_NORMAL;
			else if (strcmp(optarg, "high") == 0)
				opts->activity = ACTIVITY_HIGH;
			else
				rc = stele_error(STELE_EUSAGE, "--activity must be low, normal or high, not '%s'", optarg);
			break;
		case OPT_SEED:
			errno = 0;
			opts->seed = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || *optarg == '-')
				rc = stele_error(STELE_EUSAGE, "--seed must be a whole number, not '%s'", optarg);
			break;
		case OPT_COUNTY:
			opts->county = optarg;
			if (stele_check_county_code(optarg, "--county") < 0)
				rc = stele_error(STELE_EUSAGE, "%s", stele_error_message());
			break;
		case 'h':
		case OPT_HELP: usage(stdout); exit(0);
		default:
			rc = stele_error(STELE_EUSAGE, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (rc < 0)
		return rc;
	if (optind < argc)
		return stele_error(STELE_EUSAGE, "unexpected argument '%s'", argv[optind]);
	if (!opts->out || !opts->townships || !opts->villages_per_township || !opts->months)
		return stele_error(STELE_EUSAGE, "--out, --townships, --villages-per-township and --months "
				   "are required");
	return 0;
}

int main(int argc, char **argv)
{
	struct sim_opts opts;
	struct counts c;
	int rc;

	if ((rc = parse_args(&opts, argc, argv)) < 0) {
		fprintf(stderr, "simulate: %s\n", stele_error_message());
		usage(stderr);
		return stele_exit_code(rc);
	}
	if ((rc = simulate(&c, &opts)) < 0) {
		fprintf(stderr, "simulate: %s\n", stele_error_message());
		return stele_exit_code(rc);
	}
	fprintf(stderr, "simulate: %ld villages in %d townships, %d months from %d-01, in %s: "
		"members %ld, point events %ld, tasks %ld, requests %ld, income rows %ld, "
		"assessment rows %ld, veto events %ld, reviewed years %ld\n", c.villages,
		opts.townships, opts.months, opts.year, opts.out, c.members, c.events, c.tasks,
		c.requests, c.income, c.assessments, c.vetoes, c.reviews);
	return 0;
}
