#!/usr/bin/env python3
# gen-county.py: a random but realistic county in the reference county's input format, with every edge rankings.md names, for tools/oracle.py to check Stele against.
"""usage: gen-county.py OUT --seed N [--villages V] [--townships T] [--months M]
                     [--year Y] [--county CODE] [--vary-config]

Writes OUT/ in the format of shared/data/reference-county/ (its README.md says
how each file is loaded): rules/, villages.csv, villages/CODE/{members,points,
tasks,requests,income,assessments}.csv and closes.txt, vetoes.csv, reviews.csv.
No expected/ folder: tools/oracle.py computes it. The same arguments always give
the same bytes (Python's own seeded generator, nothing from the clock).

Records run from January to month M (default 10) of year Y (default 2026),
self-assessments cover Y-1 and Y. Besides ordinary villages, it always makes:
a village that never syncs (no records), one that starts in month M and one
that starts mid-year (not_started before), one with members and a
self-assessment but no dated record (synced, never started), one whose members
are all flowing (no participation), one with no income, and twins (identical
records and reviews, so they tie). Inside villages: members who left or died,
flowing members with points, deduction-only members, a zeroing (一次清零),
unreviewed and rejected events, tasks closed early, on their day, late (carried
over month after month) or never, requests resolved on day request.days and
one day later, months left open, vetoes, approvals, pending declarations, and
adjustments before and after an approval (one to an item never declared).
--vary-config draws other weights, thresholds, request.days, grade shares and
star.review.
"""

import datetime
import os
import random
import sys

POINT_RULES = [
    ("B01", "base", "参加主题党日活动", 20), ("B02", "base", "按时交纳党费", 10),
    ("B03", "base", "参加三会一课", 10), ("M01", "merit", "志愿服务", 30),
    ("M02", "merit", "认领微心愿", 20), ("M03", "merit", "调解矛盾纠纷", 30),
    ("P01", "bonus", "获县级以上表彰", 50), ("P02", "bonus", "带头发展集体经济", 15),
    ("D01", "deduction", "无故缺席组织生活", -20), ("D02", "deduction", "违反村规民约", -35),
    ("Z01", "zeroing", "受到党纪处分", 0),
]
ITEMS = [("S1", "坚强有力的村级班子", 200), ("S2", "作用突出的党员队伍", 150),
         ("S3", "规范完善的运转机制", 150), ("S4", "功能完善的党建阵地", 150),
         ("S5", "持续稳定的集体收入", 200), ("S6", "和谐安定的社会环境", 150)]
VETO_ITEMS = [("V1", "信访大案要案"), ("V2", "治安刑事案件"), ("V3", "安全生产责任事故"),
              ("V4", "村霸恶势力干扰")]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "文秀建国红玉桂兰凤英志明德华海春立振永金丽新生宝平军强福东静燕霞梅芳珍花庆卫"
PLACE = "东西南北上下前后大小新老高长青石沙柳杨李王张马黄白河山岭沟坪庄营屯寨桥堡峪洼"
TOWN_SUFFIX = ["镇", "乡", "街道"]
TASKS = [("核对集体资产台账", "治理"), ("修缮党群服务中心", "党建"), ("走访困难户", "民生"),
         ("组织志愿服务", "治理"), ("整改软弱涣散问题", "党建"), ("发展村集体经济项目", "发展")]
REQUEST_KINDS = ["邻里纠纷", "水管", "路灯", "环境卫生", "停车", "道路维修"]
INCOME_SOURCES = ["合作社分红", "物业租赁", "土地流转", "光伏发电", "劳务服务"]
NOTES = ["", "", "", "会议签到", "现场照片已存档"]
REVIEW_NOTES = ["", "", "乡镇初审通过", "县级批准", "佐证材料不全", "乡镇初审核减", "县级复核"]
STAGES = ["published"] * 10 + ["assembly"] * 4 + ["committee", "group", "recorded", "rejected", "rejected"]


def tenths(v):
    sign = "-" if v < 0 else ""
    return "%s%d.%d" % (sign, abs(v) // 10, abs(v) % 10)


def fen(v):
    return "%d.%02d" % (v // 100, v % 100)


def month_days(y, m):
    nxt = datetime.date(y + (m == 12), m % 12 + 1, 1)
    return (nxt - datetime.timedelta(days=1)).day


def write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(header + "\n")
        for r in rows:
            f.write(",".join(r) + "\n")


class Gen:
    def __init__(self, args):
        self.rng = random.Random(args.seed)
        self.a = args
        self.last = datetime.date(args.year, args.months, month_days(args.year, args.months))

    def day(self, m, lo=1, hi=None):
        hi = hi or month_days(self.a.year, m)
        return datetime.date(self.a.year, m, self.rng.randint(lo, hi))

    def name(self, used):
        while True:
            n = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
            if n not in used:
                used.add(n)
                return n

    def config(self):
        cfg = [("star.5", "90"), ("star.4", "80"), ("star.3", "70"), ("star.2", "60"),
               ("star.review", "required"), ("weight.task", "25"), ("weight.request", "25"),
               ("weight.participation", "20"), ("weight.income", "15"),
               ("weight.assessment", "15"), ("request.days", "7"), ("grade.a_pct", "30"),
               ("grade.c_pct", "10")]
        if not self.a.vary_config:
            return cfg
        r = self.rng
        s2 = r.choice((50, 55, 60))
        out = dict(cfg)
        out.update({"star.2": str(s2), "star.3": str(s2 + r.choice((8, 10))),
                    "star.4": str(s2 + 20), "star.5": str(s2 + r.choice((28, 30, 33))),
                    "star.review": r.choice(("required", "none")),
                    "request.days": str(r.choice((3, 5, 10))),
                    "grade.a_pct": str(r.choice((20, 25, 33))),
                    "grade.c_pct": str(r.choice((5, 15, 20)))})
        for k in ("task", "request", "participation", "income", "assessment"):
            out["weight." + k] = str(r.choice((0,) + tuple(range(1, 41))))
        return [(k, out[k]) for k, _ in cfg]

    def village(self, role):
        """One village's records: a dict of CSV name -> rows, and closes."""
        r, y, M = self.rng, self.a.year, self.a.months
        start = 1
        if role == "late_last":
            start = M
        elif role == "late_mid":
            start = min(M, r.randint(2, max(2, M - 2)))
        v = {k: [] for k in ("members", "points", "tasks", "requests", "income", "assessments")}
        v["closes"] = []
        if role == "unsynced":
            return v
        used = set()
        n = r.randint(5, 14)
        members = []
        for i in range(1, n + 1):
            status = r.choice(["active"] * 8 + ["flowing", "flowing", "transferred_out", "deceased"])
            if role == "no_active":
                status = "flowing" if i > 1 or r.random() < 0.5 else "transferred_out"
            born = r.randint(1945, 2000)
            joined = datetime.date(min(born + r.randint(18, 40), y - 1), r.randint(1, 12), r.randint(1, 28))
            mid = "M%04d" % i
            members.append((mid, status))
            v["members"].append([mid, self.name(used), r.choice(("", "", "M", "F")), str(born),
                                 joined.isoformat(), status, "G%d" % r.randint(1, 4)])
        if role != "members_only":
            self.records(v, members, start, role)
        for year in (y - 1, y):
            if role == "members_only" and year == y - 1:
                continue
            if r.random() < 0.12:
                continue  # nothing declared this year
            for code, _, mx in ITEMS:
                if r.random() < 0.1:
                    continue  # an item left out: it scores 0
                lo = mx * 3 // 10
                v["assessments"].append([str(year), code, tenths(r.randint(lo, mx)),
                                         r.choice(("", "", "自评"))])
        if role == "members_only":
            return v
        # Close months in order from the start, leaving the last one or two open sometimes.
        upto = M - r.choice((0, 0, 0, 1, 1, 2))
        v["closes"] = ["%04d-%02d" % (y, m) for m in range(start, upto + 1)]
        return v

    def records(self, v, members, start, role):
        r, y, M = self.rng, self.a.year, self.a.months
        seq = 0
        eligible = [m for m, _ in members]
        deduction_only = r.choice(eligible)
        zeroed = r.choice(eligible) if r.random() < 0.4 else None
        zero_month = r.randint(start, M)
        for m in range(start, M + 1):
            for mid, status in members:
                if mid == deduction_only and m == M:
                    # only penalised this month: not taking part
                    picks = [r.choice(("D01", "D02"))]
                else:
                    picks = [r.choice([c for c, *_ in POINT_RULES if c != "Z01"])
                             for _ in range(r.choice((0, 1, 1, 2, 2, 3)))]
                if mid == zeroed and m == zero_month:
                    picks += ["B02", "Z01"]  # earned and zeroed the same day
                zero_day = self.day(m).isoformat()
                for code in picks:
                    seq += 1
                    rule = next(p for p in POINT_RULES if p[0] == code)
                    pts = rule[3]
                    if rule[1] in ("base", "merit", "bonus") and r.random() < 0.15:
                        pts += 5
                    elif rule[1] == "deduction" and r.random() < 0.15:
                        pts -= 5
                    stage = "published" if code == "Z01" or mid == deduction_only and m == M \
                        or mid == zeroed and m == zero_month else r.choice(STAGES)
                    same_day = mid == zeroed and m == zero_month and code in ("B02", "Z01")
                    v["points"].append(["E%06d" % seq, mid, code,
                                        zero_day if same_day else self.day(m).isoformat(),
                                        tenths(pts), stage, r.choice(NOTES)])
        ids = [m for m, _ in members]
        t = 0
        for m in range(start, M + 1):
            for _ in range(r.choice((0, 1, 2, 2, 3, 4))):
                t += 1
                title, cat = r.choice(TASKS)
                due = self.day(m)
                kind = r.choice(("early", "early", "onday", "late", "late", "open"))
                closed = ""
                if kind == "early":
                    c = due - datetime.timedelta(days=r.randint(0, 20))
                    closed = c.isoformat()
                elif kind == "onday":
                    closed = due.isoformat()
                elif kind == "late":
                    c = due + datetime.timedelta(days=r.choice((1, 3, 10, 25, 40, 70, 100)))
                    if r.random() < 0.3:  # closed out on the first day of a later month
                        c = datetime.date(c.year + (c.month == 12), c.month % 12 + 1, 1)
                    closed = c.isoformat() if c <= self.last else ""
                v["tasks"].append(["T%04d" % t, title, cat, r.choice(ids + [""]),
                                   due.isoformat(), closed])
        days = int(self.cfg["request.days"])
        q = 0
        for m in range(start, M + 1):
            for _ in range(r.choice((0, 1, 2, 3, 4))):
                q += 1
                got = self.day(m)
                took = r.choice((0, 1, 2, days, days, days + 1, days + 1, 12, None))
                res = ""
                sat = ""
                if took is not None and got + datetime.timedelta(days=took) <= self.last:
                    res = (got + datetime.timedelta(days=took)).isoformat()
                    sat = r.choice(("", "1", "1", "0"))
                v["requests"].append(["R%04d" % q, got.isoformat(), r.choice(REQUEST_KINDS),
                                      "G%d" % r.randint(1, 4), res, sat])
        if role != "no_income":
            i = 0
            for m in range(start, M + 1):
                for src in r.sample(INCOME_SOURCES, r.choice((0, 1, 1, 2))):
                    i += 1
                    v["income"].append(["I%04d" % i, "%04d-%02d" % (y, m),
                                        fen(r.randint(100000, 9000000)), src])

    def reviews(self, code, v):
        """reviews.csv rows for one village, in the order the county works."""
        r, out = self.rng, []
        for year in (self.a.year - 1, self.a.year):
            declared = {a[1] for a in v["assessments"] if a[0] == str(year)}
            if not declared:
                continue
            plan = r.choice(("approve", "approve", "approve", "before", "after", "pending",
                             "pending_adjusted", "after_undeclared"))
            adjust = lambda items: [code, str(year), items, tenths(
                r.randint(0, next(mx for c, _, mx in ITEMS if c == items))),
                r.choice(REVIEW_NOTES)]
            approve = [code, str(year), "", "", r.choice(REVIEW_NOTES)]
            item = r.choice(sorted(declared))
            if plan == "approve":
                out.append(approve)
            elif plan == "before":
                out += [adjust(item), approve]
            elif plan == "after":
                out += [approve, adjust(item)]
            elif plan == "pending_adjusted":
                out.append(adjust(item))
            elif plan == "after_undeclared":
                missing = [c for c, *_ in ITEMS if c not in declared]
                out += [approve, adjust(missing[0] if missing else item)]
        return out

    def run(self, out):
        a, r = self.a, self.rng
        os.makedirs(os.path.join(out, "rules"), exist_ok=True)
        config = self.config()
        self.cfg = dict(config)
        write(os.path.join(out, "rules", "config.csv"), "key,value", [list(c) for c in config])
        write(os.path.join(out, "rules", "point-rules.csv"), "code,category,name,points,active",
              [[c, cat, n, tenths(p), "1"] for c, cat, n, p in POINT_RULES])
        write(os.path.join(out, "rules", "standard-items.csv"), "code,name,max_score",
              [[c, n, tenths(mx)] for c, n, mx in ITEMS])
        write(os.path.join(out, "rules", "veto-items.csv"), "code,name",
              [[c, n] for c, n in VETO_ITEMS])
        towns, used = [], set()
        for t in range(1, a.townships + 1):
            while True:
                n = r.choice(PLACE) + r.choice(PLACE) + r.choice(TOWN_SUFFIX)
                if n not in used:
                    used.add(n)
                    break
            towns.append(("%s%03d" % (a.county, t), n))
        codes = []
        for i in range(a.villages):
            tcode, tname = towns[i % len(towns)]
            k = sum(1 for c, *_ in codes if c.startswith(tcode)) + 1
            while True:
                n = r.choice(PLACE) + r.choice(PLACE) + ("" if r.random() < 0.7 else r.choice(PLACE)) + "村"
                if n not in used:
                    used.add(n)
                    break
            codes.append(("%s%03d" % (tcode, 200 + k), n, tname))
        codes.sort()
        roles = ["unsynced", "late_last", "late_mid", "members_only", "no_active", "no_income",
                 "twin_a", "twin_b", "veto_last", "veto_this"]
        roles += ["normal"] * max(0, len(codes) - len(roles))
        roles = roles[:len(codes)]
        r.shuffle(roles)
        write(os.path.join(out, "villages.csv"), "code,name,township_name",
              [list(c) for c in codes])
        villages = {}
        twin = None
        for (code, _, _), role in zip(codes, roles):
            if role in ("twin_a", "twin_b") and twin is not None:
                villages[code] = twin
                continue
            villages[code] = self.village(role if role in (
                "unsynced", "late_last", "late_mid", "members_only", "no_active", "no_income")
                else "normal")
            if role.startswith("twin"):
                twin = villages[code]
        vetoes, reviews, twin_reviews = [], [], None
        for (code, _, _), role in zip(codes, roles):
            v = villages[code]
            d = os.path.join(out, "villages", code)
            os.makedirs(d, exist_ok=True)
            write(os.path.join(d, "members.csv"), "id,name,gender,born,joined,status,grid", v["members"])
            write(os.path.join(d, "points.csv"), "id,member_id,rule_code,occurred_on,points,stage,note",
                  v["points"])
            write(os.path.join(d, "tasks.csv"), "id,title,category,assignee,due_on,closed_on", v["tasks"])
            write(os.path.join(d, "requests.csv"), "id,received_on,category,grid,resolved_on,satisfied",
                  v["requests"])
            write(os.path.join(d, "income.csv"), "id,period,amount,source", v["income"])
            write(os.path.join(d, "assessments.csv"), "year,item_code,score,note", v["assessments"])
            with open(os.path.join(d, "closes.txt"), "w", encoding="utf-8") as f:
                f.write("".join(m + "\n" for m in v["closes"]))
            if role.startswith("twin"):
                if twin_reviews is None:
                    twin_reviews = self.reviews("CODE", v)
                reviews += [[code] + row[1:] for row in twin_reviews]
            else:
                reviews += self.reviews(code, v)
                if role == "veto_last" or role == "veto_this" or (
                        v["members"] and r.random() < 0.08):
                    veto, name = r.choice(VETO_ITEMS)
                    year = {"veto_last": a.year - 1, "veto_this": a.year}.get(
                        role, r.choice((a.year - 1, a.year)))
                    vetoes.append([code, veto, str(year), name])
        write(os.path.join(out, "vetoes.csv"), "village_code,veto_code,year,note", vetoes)
        write(os.path.join(out, "reviews.csv"), "village_code,year,item_code,score,note", reviews)


class Args:
    seed = None
    villages = 36
    townships = 4
    months = 10
    year = 2026
    county = "990102"
    vary_config = False
    out = None


def parse(argv):
    a = Args()
    it = iter(argv)
    for arg in it:
        if arg in ("-h", "--help"):
            print(__doc__.strip())
            sys.exit(0)
        elif arg == "--vary-config":
            a.vary_config = True
        elif arg in ("--seed", "--villages", "--townships", "--months", "--year", "--county"):
            val = next(it, None)
            if val is None or not val.isdigit():
                sys.exit("gen-county.py: %s needs a number" % arg)
            setattr(a, arg[2:], val if arg == "--county" else int(val))
        elif a.out is None and not arg.startswith("-"):
            a.out = arg
        else:
            sys.exit("gen-county.py: unknown argument '%s'" % arg)
    if a.out is None or a.seed is None or len(a.county) != 6 or not 1 <= a.months <= 12 \
            or a.villages < 10 or not 1 <= a.townships <= a.villages:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        sys.exit(2)
    return a


if __name__ == "__main__":
    args = parse(sys.argv[1:])
    Gen(args).run(args.out)
