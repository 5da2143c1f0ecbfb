/* words.c: the fixed values' codes, their display words and the Chinese words typed for them. */
#include <stddef.h>
#include <string.h>

#include "i18n.h"
#include "words.h"

/*
 * One fixed value: field and code as stored; zh, the Chinese word shown (the
 * catalogue po/zh_CN.po must translate code in context field as zh: the unit
 * test test-words checks it); alias, more words accepted on input (Chinese,
 * or another English spelling), NULL-terminated. English readers see the code (the catalogue's msgid).
 */
struct word {
	const char *field, *code, *zh;
	const char *alias[5];
};

static const struct word words[] = {
	/* member.gender (domain.md) */
	{ "gender", NC_("gender", "M"), "男", { "男性" } },
	{ "gender", NC_("gender", "F"), "女", { "女性" } },
	/* member.status */
	{ "status", NC_("status", "active"), "正常", { "在册" } },
	{ "status", NC_("status", "transferred_out"), "转出", { "已转出" } },
	{ "status", NC_("status", "flowing"), "流动", { "流动党员" } },
	{ "status", NC_("status", "deceased"), "去世", { "已去世", "逝世" } },
	/* point_event.stage: the review chain (practice.md) */
	{ "stage", NC_("stage", "recorded"), "已记录", { "记录" } },
	{ "stage", NC_("stage", "group"), "党小组初审", { "党小组", "初审" } },
	{ "stage", NC_("stage", "committee"), "支委会复审", { "支委会", "复审" } },
	{ "stage", NC_("stage", "assembly"), "党员大会终审", { "党员大会", "终审" } },
	{ "stage", NC_("stage", "published"), "已公示", { "公示" } },
	{ "stage", NC_("stage", "rejected"), "已驳回", { "驳回" } },
	/* request.satisfied: 1, 0 (the option's yes and no are words for them) */
	{ "satisfied", NC_("satisfied", "1"), "是", { "yes", "满意" } },
	{ "satisfied", NC_("satisfied", "0"), "否", { "no", "不满意" } },
	/* point_rule.category (domain.md) */
	{ "category", NC_("category", "base"), "基础积分", { "基础" } },
	{ "category", NC_("category", "merit"), "五星积分", { "五星" } },
	{ "category", NC_("category", "bonus"), "正向加分", { "加分" } },
	{ "category", NC_("category", "deduction"), "反向扣分", { "扣分" } },
	{ "category", NC_("category", "zeroing"), "一次清零", { "清零" } },
	/* active columns of the rules: 1, 0 */
	{ "active", NC_("active", "1"), "是", { "启用" } },
	{ "active", NC_("active", "0"), "否", { "停用" } },
	{ "key_pinned", NC_("key_pinned", "yes"), "是", { 0 } },
	{ "key_pinned", NC_("key_pinned", "no"), "否", { 0 } },
	/* stele_stream.state (the county's merge) */
	{ "state", NC_("state", "ok"), "正常", { 0 } },
	{ "state", NC_("state", "held"), "暂停合并", { 0 } },
	{ "state", NC_("state", "quarantined"), "已隔离", { 0 } },
	{ "state", NC_("state", "diverged"), "历史分叉", { 0 } },
	/* stele_quarantine.reason: why merge refused a change set */
	{ "reason", NC_("reason", "writer"), "来源不符", { 0 } },
	{ "reason", NC_("reason", "signature"), "签名无效", { 0 } },
	{ "reason", NC_("reason", "revoked"), "密钥已吊销", { 0 } },
	{ "reason", NC_("reason", "chain"), "序号链断裂", { 0 } },
	{ "reason", NC_("reason", "schema"), "结构不符", { 0 } },
	{ "reason", NC_("reason", "ownership"), "越权写入", { 0 } },
	{ "reason", NC_("reason", "key"), "密钥公告有误", { 0 } },
	{ "reason", NC_("reason", "conflict"), "内容冲突", { 0 } },
	{ "reason", NC_("reason", "malformed"), "格式损坏", { 0 } },
	{ "reason", NC_("reason", "format"), "格式版本未知", { 0 } },
	{ "reason", NC_("reason", "payload"), "内容损坏", { 0 } },
	{ "reason", NC_("reason", "too-large"), "体积超限", { 0 } },
	{ "reason", NC_("reason", "changes"), "行变更损坏", { 0 } },
	/* yes/no columns of the rankings */
	{ "closed", NC_("closed", "yes"), "是", { 0 } },
	{ "closed", NC_("closed", "no"), "否", { 0 } },
	{ "veto", NC_("veto", "yes"), "是", { 0 } },
	{ "veto", NC_("veto", "no"), "否", { 0 } },
	/* the rows of `stele-agent status` (item) and `quarantine show` (field) */
	{ "item", NC_("item", "village"), "村代码", { 0 } },
	{ "item", NC_("item", "name"), "村名", { 0 } },
	{ "item", NC_("item", "pending change sets"), "待推送变更集", { 0 } },
	{ "item", NC_("item", "last sync"), "最近同步", { 0 } },
	{ "item", NC_("item", "remote"), "远程仓库", { 0 } },
	{ "item", NC_("item", "rules version"), "规则版本", { 0 } },
	{ "item", NC_("item", "months closed"), "已月结月份", { 0 } },
	{ "item", NC_("item", "members"), "党员", { 0 } },
	{ "item", NC_("item", "point events"), "积分记录", { 0 } },
	{ "item", NC_("item", "tasks"), "台账任务", { 0 } },
	{ "item", NC_("item", "requests"), "群众诉求", { 0 } },
	{ "item", NC_("item", "income rows"), "集体收入记录", { 0 } },
	{ "item", NC_("item", "assessments"), "自评项", { 0 } },
	{ "value", NC_("value", "never"), "从未", { 0 } },
	{ "value", NC_("value", "none"), "无", { 0 } },
	{ "value", NC_("value", "default catalogue (never synced with the county)"),
	  "默认规则目录（从未与县里同步）", { 0 } },
	{ "field", NC_("field", "id"), "编号", { 0 } },
	{ "field", NC_("field", "village"), "村", { 0 } },
	{ "field", NC_("field", "seq"), "序号", { 0 } },
	{ "field", NC_("field", "commit"), "提交", { 0 } },
	{ "field", NC_("field", "reason"), "原因", { 0 } },
	{ "field", NC_("field", "detail"), "说明", { 0 } },
	{ "field", NC_("field", "at"), "时间", { 0 } },
	{ "field", NC_("field", "writer"), "写入方", { 0 } },
	{ "field", NC_("field", "summary"), "内容摘要", { 0 } },
	{ "field", NC_("field", "bytes"), "字节数", { 0 } },
	/* task_ledger.origin: the village's own task, or one issued from above */
	{ "origin", NC_("origin", "village"), "本村", { 0 } },
	{ "origin", NC_("origin", "county"), "上级交办", { 0 } },
	/* task progress: how a village closed out an issued task */
	{ "result", NC_("result", "on_time"), "按期销号", { 0 } },
	{ "result", NC_("result", "late"), "逾期销号", { 0 } },
	{ "result", NC_("result", "open"), "未销号", { 0 } },
	/* rank income: 单一村, 集体经济薄弱村 */
	{ "single_source", NC_("single_source", "yes"), "是", { 0 } },
	{ "single_source", NC_("single_source", "no"), "否", { 0 } },
	{ "weak", NC_("weak", "yes"), "是", { 0 } },
	{ "weak", NC_("weak", "no"), "否", { 0 } },
	/* rank grids: a grid the registry lists, its households against the range, and
	 * a grid no party member lives in */
	{ "registered", NC_("registered", "yes"), "是", { 0 } },
	{ "registered", NC_("registered", "no"), "否", { 0 } },
	{ "households_range", NC_("households_range", "below"), "户数偏少", { 0 } },
	{ "households_range", NC_("households_range", "above"), "户数偏多", { 0 } },
	{ "households_range", NC_("households_range", "within"), "符合", { 0 } },
	{ "no_member", NC_("no_member", "yes"), "是", { 0 } },
	{ "no_member", NC_("no_member", "no"), "否", { 0 } },
	/* weak suggest, weak list: 软弱涣散 on the list, turned around (整顿转化) */
	{ "listed", NC_("listed", "yes"), "是", { 0 } },
	{ "listed", NC_("listed", "no"), "否", { 0 } },
	{ "status", NC_("status", "listed"), "整顿中", { 0 } },
	{ "status", NC_("status", "converted"), "已转化", { 0 } },
	/* the league tables' status of a village's stream (lib/rank.c) */
	{ "status", NC_("status", "ok"), "正常", { 0 } },
	{ "status", NC_("status", "held"), "暂停合并", { 0 } },
	{ "status", NC_("status", "quarantined"), "已隔离", { 0 } },
	{ "status", NC_("status", "unsynced"), "未同步", { 0 } },
	{ "status", NC_("status", "not_started"), "尚未开始", { 0 } },
	/* rank stars: the county's review of the self-assessment; assess list */
	{ "review", NC_("review", "approved"), "已批准", { 0 } },
	{ "review", NC_("review", "pending"), "待审核", { 0 } },
	{ "approved", NC_("approved", "yes"), "是", { 0 } },
	{ "approved", NC_("approved", "no"), "否", { 0 } },
	/* agent log: the signature and commit columns */
	{ "signature", NC_("signature", "ok"), "有效", { 0 } },
	{ "signature", NC_("signature", "bad"), "无效", { 0 } },
	{ "commit", NC_("commit", "pending"), "待同步", { 0 } },
};

#define NWORDS (sizeof(words) / sizeof(words[0]))

/* Every column name a listing prints, marked so the catalogue has their headers
 * (context "column"); a name missing here is shown as it is. */
static const char *const columns[] __attribute__((unused)) = {
	NC_("column", "active"), NC_("column", "amount"), NC_("column", "approved"),
	NC_("column", "assessment"), NC_("column", "assignee"), NC_("column", "at"),
	NC_("column", "behind"), NC_("column", "born"), NC_("column", "bytes"),
	NC_("column", "category"), NC_("column", "change"), NC_("column", "closed"),
	NC_("column", "closed_on"), NC_("column", "code"), NC_("column", "commit"),
	NC_("column", "composite"), NC_("column", "declared"), NC_("column", "detail"),
	NC_("column", "due_on"), NC_("column", "fetch_error"), NC_("column", "fetched_at"),
	NC_("column", "field"), NC_("column", "gender"), NC_("column", "grade"),
	NC_("column", "grid"), NC_("column", "id"), NC_("column", "income_pct"),
	NC_("column", "item"), NC_("column", "item_code"), NC_("column", "item_name"),
	NC_("column", "joined"), NC_("column", "key"), NC_("column", "key_pinned"),
	NC_("column", "last_closed"), NC_("column", "last_merged"), NC_("column", "max_score"),
	NC_("column", "member_id"), NC_("column", "member_name"), NC_("column", "merged_seq"),
	NC_("column", "months_closed"), NC_("column", "name"), NC_("column", "note"),
	NC_("column", "occurred_on"), NC_("column", "participation"), NC_("column", "period"),
	NC_("column", "points"), NC_("column", "public_key"), NC_("column", "rank"),
	NC_("column", "rank_change"), NC_("column", "reason"), NC_("column", "received_on"),
	NC_("column", "remote"), NC_("column", "request_rate"), NC_("column", "resolved_on"),
	NC_("column", "reviewed"), NC_("column", "rule_code"), NC_("column", "rule_name"),
	NC_("column", "satisfied"), NC_("column", "score"), NC_("column", "seq"),
	NC_("column", "seq_from"), NC_("column", "seq_to"), NC_("column", "signature"),
	NC_("column", "source"), NC_("column", "stage"), NC_("column", "stars"),
	NC_("column", "state"), NC_("column", "status"), NC_("column", "summary"),
	NC_("column", "task_rate"), NC_("column", "time"), NC_("column", "title"),
	NC_("column", "township"), NC_("column", "township_code"), NC_("column", "township_name"), NC_("column", "value"),
	NC_("column", "veto"), NC_("column", "veto_code"), NC_("column", "veto_name"),
	NC_("column", "village"), NC_("column", "village_code"), NC_("column", "village_name"),
	NC_("column", "writer"), NC_("column", "year"),
	NC_("column", "origin"), NC_("column", "issued_on"), NC_("column", "villages"),
	NC_("column", "on_time"), NC_("column", "late"), NC_("column", "open"),
	NC_("column", "result"), NC_("column", "days_late"), NC_("column", "days_overdue"),
	NC_("column", "task_id"), NC_("column", "income"), NC_("column", "prev_income"),
	NC_("column", "growth"), NC_("column", "sources"), NC_("column", "single_source"),
	NC_("column", "weak"),
	NC_("column", "grid_name"), NC_("column", "households"), NC_("column", "worker"),
	NC_("column", "registered"), NC_("column", "members"), NC_("column", "requests"),
	NC_("column", "resolved_in_time"), NC_("column", "households_range"),
	NC_("column", "no_member"), NC_("column", "still_open"),
	NC_("column", "average"), NC_("column", "months"), NC_("column", "listed"),
	NC_("column", "listed_on"), NC_("column", "converted_on"), NC_("column", "days_listed"),
	NC_("column", "received"), NC_("column", "resolved"), NC_("column", "in_time"),
	NC_("column", "taken"), NC_("column", "escalated"), NC_("column", "rated"),
	NC_("column", "satisfied_count"), NC_("column", "satisfaction"),
	NC_("column", "avg_days"), NC_("column", "max_days"), NC_("column", "days_open"),
	NC_("column", "request_id"), NC_("column", "handler"), NC_("column", "escalated_to"),
	NC_("column", "escalated_on"), NC_("column", "feedback"),
	NC_("column", "review"), NC_("column", "review_note"), NC_("column", "approved_on"),
	NC_("column", "prev_stars"), NC_("column", "started_at"), NC_("column", "finished_at"),
	NC_("column", "change_sets"),
};

static const struct word *find(const char *field, const char *code)
{
	for (size_t i = 0; i < NWORDS; i++)
		if (strcmp(words[i].field, field) == 0 && strcmp(words[i].code, code) == 0)
			return &words[i];
	return NULL;
}

const char *stele_word_show(const char *field, const char *code)
{
	const struct word *w = code ? find(field, code) : NULL;

	return w ? stele_pgettext(w->field, w->code) : code;
}

const char *stele_word_zh(const char *field, const char *code)
{
	const struct word *w = code ? find(field, code) : NULL;

	return w ? w->zh : NULL;
}

const char *stele_word_code(const char *field, const char *input)
{
	if (!input || !*input)
		return input;
	for (size_t i = 0; i < NWORDS; i++) {
		const struct word *w = &words[i];
		if (strcmp(w->field, field) != 0)
			continue;
		if (strcmp(w->code, input) == 0)
			return input;
		if (strcmp(w->zh, input) == 0)
			return w->code;
		for (size_t j = 0; j < sizeof(w->alias) / sizeof(w->alias[0]) && w->alias[j]; j++)
			if (strcmp(w->alias[j], input) == 0)
				return w->code;
	}
	return input;
}

bool stele_word_field(const char *field)
{
	for (size_t i = 0; i < NWORDS; i++)
		if (strcmp(words[i].field, field) == 0)
			return true;
	return false;
}

bool stele_word_get(size_t i, const char **field, const char **code)
{
	if (i >= NWORDS)
		return false;
	*field = words[i].field;
	*code = words[i].code;
	return true;
}

const char *stele_word_column(const char *name)
{
	return stele_pgettext("column", name);
}
