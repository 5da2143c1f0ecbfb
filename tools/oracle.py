#!/usr/bin/env python3
# oracle.py: an independent implementation of the rankings contract (shared/spec/rankings.md), from a county's input CSVs to its six ranking CSVs.
"""usage: oracle.py COUNTY_DIR OUT_DIR --month YYYY-MM [--township CODE]

Reads a county in the reference county's format (shared/data/reference-county/
README.md: rules/, villages.csv, villages/CODE/*.csv and closes.txt, vetoes.csv,
reviews.csv) and writes into OUT_DIR what `stele-aggregator rank ... --format csv`
must print once every village has imported, closed its months and synced, and
the county has recorded its vetoes and reviews:

  league-M.csv, league-(M-1).csv, league-M-township-T.csv,
  stars-Y.csv, members-Y.csv, members-M.csv        (Y is M's year)

It is written from the spec alone, not from lib/rank.c, so that a disagreement
between the two is a question to settle, not a copy of the same mistake. Python 3
standard library only; every number is an integer (tenths, fen, ten-thousandths,
hundredths), never a float. --township defaults to the first township listed.

What the input format cannot express is taken as the pipeline makes it: a village
is synced when its directory holds any record (a row in a CSV or a closed month;
a village with none has nothing to push), and no village is quarantined or held.
"""

import csv
import datetime
import os
import sys

COUNTED = ("assembly", "published")
TAKING_PART = ("base", "merit", "bonus")
RANKED_STATUS = ("active", "flowing")
DEFAULTS = {
    "star.5": "90", "star.4": "80", "star.3": "70", "star.2": "60",
    "star.review": "required",
    "weight.task": "25", "weight.request": "25", "weight.participation": "20",
    "weight.income": "15", "weight.assessment": "15",
    "request.days": "7", "grade.a_pct": "30", "grade.c_pct": "10",
}


def fixed(text, places):
    """The decimal TEXT ("2", "-3.5", "77188.76") as an integer in units of
    10**-places, exactly (refuses more decimals than PLACES)."""
    text = text.strip()
    neg = text.startswith("-")
    if neg or text.startswith("+"):
        text = text[1:]
    whole, _, frac = text.partition(".")
    if len(frac) > places:
        raise ValueError("too many decimals: %r" % text)
    value = int(whole or "0") * 10 ** places + int((frac + "0" * places)[:places] or "0")
    return -value if neg else value


def fmt(value, places):
    """The integer VALUE in units of 10**-places, printed with PLACES decimals."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    unit = 10 ** places
    return "%s%d.%0*d" % (sign, value // unit, places, value % unit)


def div_round(a, b):
    """a / b rounded half away from zero, in integers (b != 0)."""
    neg = (a < 0) != (b < 0)
    a, b = abs(a), abs(b)
    q = (2 * a + b) // (2 * b)
    return -q if neg else q


def share(a, b):
    """The share a/b in integer ten-thousandths, rounded half away from zero."""
    return div_round(10000 * a, b)


def read_csv(path):
    """Every row of the CSV file at PATH as a dict (an absent file has none)."""
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def csv_cell(value):
    """One cell as RFC 4180 quotes it."""
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        for row in [header] + rows:
            f.write(",".join(csv_cell(c) for c in row) + "\n")


def month_add(month, n):
    y, m = int(month[:4]), int(month[5:7])
    k = y * 12 + (m - 1) + n
    return "%04d-%02d" % (k // 12, k % 12 + 1)


def month_end(month):
    """The last day of MONTH as YYYY-MM-DD."""
    first_next = datetime.date.fromisoformat(month_add(month, 1) + "-01")
    return (first_next - datetime.timedelta(days=1)).isoformat()


class County:
    def __init__(self, root):
        self.root = root
        rules = os.path.join(root, "rules")
        self.config = dict(DEFAULTS)
        for row in read_csv(os.path.join(rules, "config.csv")):
            self.config[row["key"]] = row["value"]
        self.category = {r["code"]: r["category"]
                         for r in read_csv(os.path.join(rules, "point-rules.csv"))}
        # A standard-items import lists the active items (it deactivates the rest).
        self.items = {r["code"]: fixed(r["max_score"], 1)
                      for r in read_csv(os.path.join(rules, "standard-items.csv"))}
        self.villages = []  # (code, name) in registry order
        for row in read_csv(os.path.join(root, "villages.csv")):
            self.villages.append((row["code"], row["name"]))
        self.vetoes = {(r["village_code"], int(r["year"]))
                       for r in read_csv(os.path.join(root, "vetoes.csv"))}
        self.data = {}
        for code, _ in self.villages:
            self.data[code] = self.load_village(os.path.join(root, "villages", code))
        self.reviews, self.approved = self.load_reviews()

    @staticmethod
    def load_village(d):
        v = {
            "members": read_csv(os.path.join(d, "members.csv")),
            "points": read_csv(os.path.join(d, "points.csv")),
            "tasks": read_csv(os.path.join(d, "tasks.csv")),
            "requests": read_csv(os.path.join(d, "requests.csv")),
            "income": read_csv(os.path.join(d, "income.csv")),
            "assessments": read_csv(os.path.join(d, "assessments.csv")),
        }
        closes = os.path.join(d, "closes.txt")
        months = []
        if os.path.exists(closes):
            with open(closes, encoding="utf-8") as f:
                months = [line.strip() for line in f if line.strip()]
        # close M closes every earlier open month since the village's first
        # record (domain.md), and only M when M comes before it.
        v["closed"] = set()
        dates = village_dates(v)
        for last in months:
            m = min([last] + [d[:7] for d in dates])
            while m <= last:
                v["closed"].add(m)
                m = month_add(m, 1)
        v["declared"] = {}
        for a in v["assessments"]:
            v["declared"][(int(a["year"]), a["item_code"])] = fixed(a["score"], 1)
        v["synced"] = any(v[k] for k in ("members", "points", "tasks", "requests",
                                         "income", "assessments")) or bool(months)
        return v

    def load_reviews(self):
        """The county's review rows and approvals after reviews.csv, in file order:
        approve copies the declared score of every active item without a review
        row; adjust sets one item's row, before or after approval."""
        reviews = {}   # (village, year, item) -> tenths
        approved = set()
        for r in read_csv(os.path.join(self.root, "reviews.csv")):
            key = (r["village_code"], int(r["year"]))
            if r["item_code"]:
                reviews[key + (r["item_code"],)] = fixed(r["score"], 1)
                continue
            declared = self.data[key[0]]["declared"]
            for item in self.items:
                if key + (item,) not in reviews:
                    reviews[key + (item,)] = declared.get((key[1], item), 0)
            approved.add(key)
        return reviews, approved

    # --- stars ----------------------------------------------------------------

    def declared_score(self, code, year):
        declared = self.data[code]["declared"]
        if not any(y == year for (y, _) in declared):
            return None
        return sum(min(declared.get((year, item), 0), mx) for item, mx in self.items.items())

    def score(self, code, year):
        """The reviewed score in tenths, or None."""
        if self.config["star.review"] == "none":
            return self.declared_score(code, year)
        if (code, year) not in self.approved:
            return None
        return sum(min(self.reviews.get((code, year, item), 0), mx)
                   for item, mx in self.items.items())

    def stars(self, code, year):
        s = self.score(code, year)
        if s is None:
            return None
        if (code, year) in self.vetoes:
            return 1
        for n in (5, 4, 3, 2):
            if s >= fixed(self.config["star.%d" % n], 1):
                return n
        return 1

    def rank_stars(self, year):
        rows = []
        for code, name in self.villages:
            declared = self.declared_score(code, year)
            s = self.score(code, year)
            st = self.stars(code, year)
            prev = self.stars(code, year - 1)
            review = "approved" if s is not None else ("pending" if declared is not None else "")
            change = ""
            if st is not None and prev is not None:
                change = "up" if st > prev else "down" if st < prev else "same"
            rows.append((st, s, code, [
                code, name, code[:9],
                "" if declared is None else fmt(declared, 1),
                "" if s is None else fmt(s, 1),
                "" if st is None else str(st),
                "yes" if (code, year) in self.vetoes else "no",
                review,
                "" if prev is None else str(prev),
                change]))
        with_stars = sorted((r for r in rows if r[0] is not None),
                            key=lambda r: (-r[0], -r[1], r[2]))
        without = sorted((r for r in rows if r[0] is None), key=lambda r: r[2])
        return [r[3] for r in with_stars + without]

    # --- members --------------------------------------------------------------

    def rank_members(self, year, month=None):
        out = []
        for code in sorted(self.data):
            v = self.data[code]
            counted = [e for e in v["points"] if e["stage"] in COUNTED
                       and e["occurred_on"][:4] == str(year)]
            totals = []
            for m in v["members"]:
                if m["status"] not in RANKED_STATUS:
                    continue
                mine = [e for e in counted if e["member_id"] == m["id"]]
                zs = [e["occurred_on"] for e in mine if self.category[e["rule_code"]] == "zeroing"]
                z = max(zs) if zs else None
                total = sum(fixed(e["points"], 1) for e in mine
                            if self.category[e["rule_code"]] != "zeroing"
                            and (z is None or e["occurred_on"] > z)
                            and (month is None or e["occurred_on"][:7] == month))
                totals.append((m["id"], m["name"], total))
            for rank, (mid, name, total) in competition(totals, key=lambda t: (-t[2], t[0]),
                                                        value=lambda t: t[2]):
                out.append([str(rank), code, mid, name, fmt(total, 1)])
        return out

    # --- league ---------------------------------------------------------------

    def started(self, code, month):
        dates = village_dates(self.data[code])
        last = month_end(month)
        return any(d <= last for d in dates) or any(
            c <= month for c in self.data[code]["closed"])

    def indicators(self, month):
        """{code: [task, request, participation, income, assessment]} (None: empty)."""
        year = int(month[:4])
        first = month + "-01"
        days = int(self.config["request.days"])
        live = [c for c, _ in self.villages
                if self.data[c]["synced"] and self.started(c, month)]
        income = {}
        for c in live:
            income[c] = sum(fixed(i["amount"], 2) for i in self.data[c]["income"]
                            if "%04d-01" % year <= i["period"] <= month)
        out = {}
        for code, _ in self.villages:
            if code not in income:
                out[code] = [None] * 5
                continue
            v = self.data[code]
            in_play = [t for t in v["tasks"] if t["due_on"][:7] == month or (
                t["due_on"] < first and (not t["closed_on"] or t["closed_on"] >= first))]
            on_time = [t for t in in_play if t["closed_on"] and t["closed_on"] <= t["due_on"]]
            task = share(len(on_time), len(in_play)) if in_play else None
            received = [r for r in v["requests"] if r["received_on"][:7] == month]
            in_time = [r for r in received if r["resolved_on"] and (
                datetime.date.fromisoformat(r["resolved_on"])
                - datetime.date.fromisoformat(r["received_on"])).days <= days]
            request = share(len(in_time), len(received)) if received else None
            active = [m["id"] for m in v["members"] if m["status"] == "active"]
            took_part = {e["member_id"] for e in v["points"]
                         if e["stage"] in COUNTED and e["occurred_on"][:7] == month
                         and self.category[e["rule_code"]] in TAKING_PART}
            part = share(sum(1 for m in active if m in took_part), len(active)) if active else None
            n = len(live)
            pct = 10000 if n == 1 else share(
                sum(1 for c in live if income[c] < income[code]), n - 1)
            s = self.score(code, year)
            if s is None:
                s = self.score(code, year - 1)
            assess = None if s is None else s * 10
            out[code] = [task, request, part, pct, assess]
        return out

    def league(self, month, township=None):
        """[(rank or None, code, row)] in the table's order."""
        weights = [int(self.config[k]) for k in (
            "weight.task", "weight.request", "weight.participation",
            "weight.income", "weight.assessment")]
        ind = self.indicators(month)
        entries = []
        for code, name in self.villages:
            if township and code[:9] != township:
                continue
            vals = ind[code]
            present = [(w, i) for w, i in zip(weights, vals) if i is not None]
            comp = None  # also when every present indicator weighs 0 (docs/rankings.md)
            if sum(w for w, _ in present) > 0:
                comp = div_round(sum(w * i for w, i in present), sum(w for w, _ in present))
            entries.append((code, name, comp, vals))
        ranked = [e for e in entries if e[2] is not None]
        ranks = {}
        for rank, e in competition(ranked, key=lambda e: (-e[2], e[0]), value=lambda e: e[2]):
            ranks[e[0]] = rank
        n = len(ranked)
        a_cut = -(-n * int(self.config["grade.a_pct"]) // 100)
        c_cut = n - n * int(self.config["grade.c_pct"]) // 100
        return ranks, entries, a_cut, c_cut

    def rank_villages(self, month, township=None):
        ranks, entries, a_cut, c_cut = self.league(month, township)
        prev_ranks = self.league(month_add(month, -1), township)[0]
        rows = []
        order = sorted(entries, key=lambda e: (ranks.get(e[0]) is None, ranks.get(e[0], 0), e[0]))
        for code, name, comp, vals in order:
            rank = ranks.get(code)
            grade = ""
            if rank is not None:
                grade = "A" if rank <= a_cut else "C" if rank > c_cut else "B"
            change = ""
            if rank is not None and prev_ranks.get(code) is not None:
                change = str(prev_ranks[code] - rank)
            v = self.data[code]
            status = ("unsynced" if not v["synced"] else
                      "not_started" if not self.started(code, month) else "ok")
            rows.append(["" if rank is None else str(rank), code, name, code[:9],
                         "" if comp is None else fmt(comp, 2)]
                        + ["" if i is None else fmt(i, 4) for i in vals]
                        + [grade, "yes" if month in v["closed"] else "no", change, status])
        return rows


def village_dates(v):
    """Every date that makes a village started: events' occurred_on, tasks' due_on,
    requests' received_on, income periods (as their month's first day)."""
    return ([e["occurred_on"] for e in v["points"]] + [t["due_on"] for t in v["tasks"]]
            + [r["received_on"] for r in v["requests"]]
            + [i["period"] + "-01" for i in v["income"]])


def competition(items, key, value):
    """(rank, item) in KEY order with competition ranking ("1224") on VALUE."""
    out = []
    prev = None
    for pos, item in enumerate(sorted(items, key=key), 1):
        if out and value(item) == prev:
            rank = out[-1][0]
        else:
            rank = pos
        prev = value(item)
        out.append((rank, item))
    return out


LEAGUE = ["rank", "village_code", "village_name", "township_code", "composite", "task_rate",
          "request_rate", "participation", "income_pct", "assessment", "grade", "closed",
          "rank_change", "status"]
STARS = ["village_code", "village_name", "township_code", "declared", "score", "stars", "veto",
         "review", "prev_stars", "change"]
MEMBERS = ["rank", "village_code", "member_id", "name", "points"]


def main(argv):
    args, month, township = [], None, None
    it = iter(argv)
    for a in it:
        if a == "--month":
            month = next(it, None)
        elif a == "--township":
            township = next(it, None)
        elif a in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        else:
            args.append(a)
    if len(args) != 2 or not month or len(month) != 7:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    county = County(args[0])
    out = args[1]
    os.makedirs(out, exist_ok=True)
    if township is None:
        township = county.villages[0][0][:9]
    year = int(month[:4])
    prev = month_add(month, -1)
    write_csv(os.path.join(out, "league-%s.csv" % month), LEAGUE, county.rank_villages(month))
    write_csv(os.path.join(out, "league-%s.csv" % prev), LEAGUE, county.rank_villages(prev))
    write_csv(os.path.join(out, "league-%s-township-%s.csv" % (month, township)), LEAGUE,
              county.rank_villages(month, township))
    write_csv(os.path.join(out, "stars-%d.csv" % year), STARS, county.rank_stars(year))
    write_csv(os.path.join(out, "members-%d.csv" % year), MEMBERS, county.rank_members(year))
    write_csv(os.path.join(out, "members-%s.csv" % month), MEMBERS,
              county.rank_members(year, month))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
