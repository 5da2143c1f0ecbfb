# serve-browser.py: a clerk's month in the workbench, in real Chromium (selenium),
# for tests/cli/t1010-serve-browser.sh. Usage:
#   serve-browser.py URL MONTH SHOTS-DIR VILLAGE-DIR
# URL is the first line `stele-agent serve` printed; MONTH (YYYY-MM) the month the
# clerk records and closes; SHOTS-DIR receives a 1366x768 screenshot of each page;
# VILLAGE-DIR is the directory served (its lock is held once, as a sync holds it).
# Prints one TAP-like line per step to stdout; exits 1 at the first failure.
import fcntl
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

url, month, shots, village = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
base = url.split("/?token=")[0]

opts = webdriver.ChromeOptions()
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--window-size=1366,768", "--lang=zh-CN", "--hide-scrollbars"):
    opts.add_argument(a)
opts.binary_location = "/usr/bin/chromium"
# The browser's own controls (a month picker) in Chinese too, as on a clerk's laptop.
opts.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
os.environ["LANGUAGE"] = "zh_CN"
os.environ["LC_ALL"] = "zh_CN.UTF-8"
os.environ["LANG"] = "zh_CN.UTF-8"
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
driver.set_page_load_timeout(30)
step = 0


def check(cond, what):
    global step
    step += 1
    if not cond:
        try:
            print("not ok %d - %s (at %s)" % (step, what, driver.current_url))
            body = driver.find_element(By.TAG_NAME, "body").text
            print("# " + body[:1500].replace("\n", "\n# "))
        except WebDriverException as e:
            print("# (the page could not be read: %s)" % str(e).splitlines()[0])
        driver.quit()
        sys.exit(1)
    print("ok %d - %s" % (step, what))


def shot(name):
    driver.save_screenshot(os.path.join(shots, name + ".png"))


def gone(old):
    # A wait condition: the page old belonged to has been replaced. Selenium's
    # staleness_of asks the element whether it is enabled and expects a
    # StaleElementReferenceException once it is gone; caught mid-navigation,
    # ChromeDriver answers some other WebDriverException instead ("Node with given
    # id does not belong to the document"), which is just as gone.
    def replaced(_):
        try:
            old.is_enabled()
            return False
        except WebDriverException:
            return True
    return replaced


def submit(el):
    # Clicks a submit button and waits for the next page to replace this one.
    old = driver.find_element(By.TAG_NAME, "html")
    el.click()
    WebDriverWait(driver, 30).until(gone(old))


def wait_for(cond, timeout):
    # Polls cond() until it is true, at most timeout seconds; False then. A page
    # that reloads itself (the sync's, <meta refresh>) is briefly an empty document
    # or between documents: a poll then sees nothing, or an error, and is simply
    # not yet true. So the condition must name what the awaited page shows, never
    # only what it no longer shows.
    end = time.monotonic() + timeout
    while True:
        try:
            if cond():
                return True
        except WebDriverException:
            pass
        if time.monotonic() > end:
            return False
        time.sleep(0.25)


def go(path):
    driver.get(base + path)


def text():
    return driver.find_element(By.TAG_NAME, "body").text


def set_value(name, value):
    # Date and month inputs take their value in the browser's own format when
    # typed; the value itself is what a picker sets.
    el = driver.find_element(By.NAME, name)
    driver.execute_script("arguments[0].value = arguments[1]", el, value)


try:
    driver.get(url)
    check(driver.current_url == base + "/", "the URL logs in and the token leaves the address bar")
    check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN",
          "the page is <html lang=\"zh-CN\">")
    shot("home-empty")

    # Members, added through the form; the last one with the keyboard only.
    for name in ("王建国", "李秀英"):
        go("/members/edit")
        driver.find_element(By.NAME, "name").send_keys(name)
        Select(driver.find_element(By.NAME, "gender")).select_by_value("M")
        submit(driver.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        check(name in text(), "member %s added through the form" % name)
    go("/members/edit")
    field = driver.find_element(By.NAME, "name")
    check(driver.switch_to.active_element == field, "the name field has the focus")
    field.send_keys("张伟")
    old = driver.find_element(By.TAG_NAME, "html")
    field.send_keys(Keys.ENTER)
    WebDriverWait(driver, 30).until(gone(old))
    check("张伟" in text() and "M0003" in text(), "a member added with the keyboard only (Enter)")
    shot("members")

    # A member saved while another process (a sync) holds the directory: the
    # form comes back as typed, saying why; sent again once free, it is saved.
    go("/members/edit")
    driver.find_element(By.NAME, "name").send_keys("赵敏")
    Select(driver.find_element(By.NAME, "gender")).select_by_value("F")
    with open(os.path.join(village, "lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        submit(driver.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        check(driver.find_element(By.NAME, "name").get_attribute("value") == "赵敏" and
              Select(driver.find_element(By.NAME, "gender")).first_selected_option
              .get_attribute("value") == "F" and "尚未保存" in text(),
              "a busy directory gives the form back as typed, saying so")
        shot("busy")
    submit(driver.find_element(By.CSS_SELECTOR, "form[action='/members/save'] button[type=submit]"))
    check("赵敏" in text() and "M0004" in text(), "sent again once the directory is free: saved")

    # Point events, with the pickers.
    for member, rule, day in (("M0001", "B01", "03"), ("M0002", "B01", "04"), ("M0003", "B02", "05")):
        go("/points")
        Select(driver.find_element(By.NAME, "member")).select_by_value(member)
        Select(driver.find_element(By.NAME, "rule")).select_by_value(rule)
        set_value("date", "%s-%s" % (month, day))
        submit(driver.find_element(By.CSS_SELECTOR, "form[action='/points/add'] button[type=submit]"))
        check("E00000" in text(), "event for %s recorded" % member)
    shot("points")

    # A refusal (the browser cannot know it): the engine's message beside the field.
    go("/points")
    Select(driver.find_element(By.NAME, "member")).select_by_value("M0001")
    Select(driver.find_element(By.NAME, "rule")).select_by_value("B01")
    set_value("date", month + "-06")
    driver.find_element(By.NAME, "points").send_keys("-3")
    submit(driver.find_element(By.CSS_SELECTOR, "form[action='/points/add'] button[type=submit]"))
    err = driver.find_elements(By.CSS_SELECTOR, "#e-points")
    check(err and "-3.0" in err[0].text, "a refused value is shown beside its field")
    shot("points-refused")

    # The review queue: select all and advance, stage after stage, to published.
    for stage in ("recorded", "group", "committee", "assembly"):
        go("/points/review")
        if stage == "recorded":
            shot("review")
        form = driver.find_element(By.CSS_SELECTOR, "#stage-%s form" % stage)
        boxes = form.find_elements(By.CSS_SELECTOR, "input[type=checkbox]")
        check(len(boxes) == 3, "3 events wait at stage %s" % stage)
        for b in boxes:
            b.click()
        submit(form.find_element(By.CSS_SELECTOR, "button[value=advance]"))
    go("/points?month=" + month)
    check(text().count("已公示") >= 3 or text().count("published") >= 3, "every event is published")
    go("/points/rank?month=" + month)
    shot("ranking")
    go("/points/rank?scope=year&month=" + month)
    check(driver.find_elements(By.CSS_SELECTOR, "td.stars"), "the year's ranking shows the stars")
    shot("ranking-year")
    go("/members/edit?id=M0001")
    shot("member")
    go("/points/notice?month=" + month)
    check("王建国" in text(), "the 公示 sheet lists the month's events")
    shot("notice")
    # As printed for the notice board: print styles on an A4 page (794x1123 at 96 dpi).
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    driver.set_window_size(794, 1123)
    check(not driver.find_element(By.TAG_NAME, "nav").is_displayed(),
          "the printed 公示 sheet has no navigation")
    shot("notice-print")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    driver.set_window_size(1366, 768)

    # The task ledger: add a task due in the month, close it out.
    go("/tasks")
    driver.find_element(By.NAME, "title").send_keys("走访困难户")
    set_value("due", month + "-20")
    submit(driver.find_element(By.CSS_SELECTOR, "form[action='/tasks/add'] button[type=submit]"))
    check("T0001" in text(), "task added")
    form = driver.find_element(By.CSS_SELECTOR, "form[action='/tasks/close']")
    driver.execute_script("arguments[0].value = arguments[1]",
                          form.find_element(By.NAME, "date"), month + "-18")
    submit(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    check(month + "-18" in text(), "task closed out")
    shot("tasks")

    # Grids (网格): one registered through the form; a request of that grid taken
    # by a member, then escalated from its follow-up page.
    go("/grids")
    for name, value in (("id", "G1"), ("name", "第一网格"), ("households", "320"),
                        ("worker", "王芳")):
        driver.find_element(By.NAME, name).send_keys(value)
    submit(driver.find_element(By.CSS_SELECTOR, "form[action='/grids/add'] button[type=submit]"))
    check("第一网格" in text() and "王芳" in text(), "grid added through the form")
    shot("grids")
    go("/requests")
    set_value("received", month + "-05")
    driver.find_element(By.NAME, "category").send_keys("道路")
    driver.find_element(By.NAME, "grid").send_keys("G1")
    Select(driver.find_element(By.NAME, "handler")).select_by_value("M0002")
    submit(driver.find_element(By.CSS_SELECTOR, "form[action='/requests/add'] button[type=submit]"))
    check("李秀英" in text(), "request recorded with the member who took it")
    go("/requests/followup?id=R0001")
    driver.find_element(By.NAME, "to").send_keys("东关镇")
    set_value("date", month + "-06")
    submit(driver.find_element(By.CSS_SELECTOR,
                               "form[action='/requests/escalate'] button[type=submit]"))
    check("东关镇" in text() and not driver.find_elements(
        By.CSS_SELECTOR, "form[action='/requests/escalate']"), "request escalated (上报)")
    shot("request-followup")

    for path, name in (("/requests", "requests"), ("/income", "income"), ("/assess", "assess"),
                       ("/data", "data"), ("/log", "log"), ("/sync", "sync")):
        go(path)
        shot(name)

    # Month end: the confirmation, then closed.
    go("/close")
    set_value("month", month)
    submit(driver.find_element(By.CSS_SELECTOR, "form[action='/close'] button[type=submit]"))
    shot("close-confirm")
    driver.find_element(By.CSS_SELECTOR, "input[name=confirm]")
    submit(driver.find_element(By.CSS_SELECTOR, "form[action='/close'] button[type=submit]"))
    check(month in text() and "notice" in driver.page_source, "the month is closed")

    # Sync to the USB stick the workbench finds.
    go("/sync")
    sticks = driver.find_elements(By.CSS_SELECTOR, "form[action='/sync'] button[name=stick]")
    check(len(sticks) == 1, "the workbench finds the USB stick")
    submit(sticks[0])
    # The sync runs in the background; its page follows it, reloading itself
    # every 2 s until it shows the result: wait for the result itself (a
    # reloading page is briefly empty: "no longer running" would be seen there,
    # and the sync would still hold the directory when the next test case reads
    # it, which is how cases 2-4 once failed together).
    shot("sync-running")
    result = "p.notice.ok, p.notice.refused"
    check(wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, result), 120),
          "the sync page shows the sync's result")
    check(driver.find_elements(By.CSS_SELECTOR, "p.notice.ok"),
          "synced to the stick: " + text()[:200].replace("\n", " "))
    shot("sync-done")
    go("/")
    shot("home")
finally:
    driver.quit()
print("1..%d" % step)
