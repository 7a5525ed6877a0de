#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""The audit's HTML page in a real browser (make check-html).

Opens the page in Debian's headless chromium through chromedriver
(python3-selenium), and checks what a reader sees:

1. Choosing each status in the status filter shows exactly the handlers of
   that status, as many as the audit counts, and says so.
2. The subsystem and primitive filters, together with the status one.
3. A link with #status=... opens the page filtered.
4. Clicking a column heading sorts the rows.

It runs on the made-up audit of tests/data/audit_sample.py, and on the committed
reports/linux-6.12.html against reports/linux-6.12.json when they exist.
The last line is 'N passed, N failed'.
"""

import argparse
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(TOP, 'tests', 'data'))

import audit_sample  # noqa: E402
import check_kernel  # noqa: E402
from mmapconv import audit_pages  # noqa: E402

REFERENCE = os.path.join(TOP, 'reports', 'linux-6.12')
CHROMIUM = '/usr/bin/chromium'
CHROMEDRIVER = '/usr/bin/chromedriver'


def browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        sys.exit('check_html.py: python3-selenium is missing: make deps')
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.path.exists(path):
            sys.exit('check_html.py: %s is missing: make deps' % path)
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ('--headless=new', '--disable-gpu', '--disable-dev-shm-usage',
                '--window-size=1400,1000'):
        opts.add_argument(arg)
    if os.geteuid() == 0:
        # chromium refuses to run as root with its sandbox (CI runs as root)
        opts.add_argument('--no-sandbox')
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


class Checker(check_kernel.Checker):
    """check() and the counts of check_kernel's, on pages in a browser."""

    def __init__(self, driver, verbose):
        super().__init__(None, 1, verbose)
        self.driver = driver

    def visible(self):
        """(status, subsystem, primitives, handler) of each row shown, in order."""
        return self.driver.execute_script('''
            return Array.prototype.filter.call(
                document.querySelectorAll('#handlers tbody tr'),
                function (r) { return r.offsetParent !== null; }
            ).map(function (r) {
                return [r.getAttribute('data-status'), r.getAttribute('data-subsystem'),
                        r.getAttribute('data-primitives'), r.cells[1].textContent];
            });''')

    def choose(self, name, value):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import Select
        Select(self.driver.find_element(By.ID, 'f-' + name)).select_by_value(value)

    def shown_text(self):
        from selenium.webdriver.common.by import By
        return self.driver.find_element(By.ID, 'shown').text

    def page(self, label, path, data):
        from selenium.webdriver.common.by import By
        url = 'file://' + os.path.abspath(path)
        handlers = data['handlers']
        families = sorted({h['family'] for h in handlers})
        self.driver.get(url)
        self.check(len(self.visible()) == len(handlers),
                   '%s: all %d handlers shown at first' % (label, len(handlers)))
        for family in families:
            self.choose('status', family)
            rows = self.visible()
            want = data['summary']['by_status'][family]
            self.check(len(rows) == want and {r[0] for r in rows} == {family},
                       '%s: status %s shows exactly its %d handlers (saw %d: %s)'
                       % (label, family, want, len(rows), sorted({r[0] for r in rows})))
            self.check(self.shown_text() == '%d of %d handlers shown' % (want, len(handlers)),
                       '%s: status %s: the count says %r' % (label, family, self.shown_text()))
        self.choose('status', '')
        self.check(len(self.visible()) == len(handlers),
                   '%s: "all" shows every handler again' % label)

        # subsystem and primitive filters, alone and with a status
        sub = max(data['summary']['by_subsystem'], key=lambda r: r['handlers'])
        self.choose('subsystem', sub['subsystem'])
        rows = self.visible()
        self.check(len(rows) == sub['handlers'] and {r[1] for r in rows} == {sub['subsystem']},
                   '%s: subsystem %s shows its %d handlers' % (label, sub['subsystem'],
                                                               sub['handlers']))
        family = sorted(sub['statuses'])[0]
        self.choose('status', family)
        rows = self.visible()
        self.check(len(rows) == sub['statuses'][family] and
                   {(r[0], r[1]) for r in rows} == {(family, sub['subsystem'])},
                   '%s: subsystem and status filters combine' % label)
        self.choose('status', '')
        self.choose('subsystem', '')
        prims = sorted({p for h in handlers for p in h['primitives']})
        if prims:
            want = [h['handler'] for h in handlers if prims[0] in h['primitives']]
            self.choose('primitive', prims[0])
            rows = self.visible()
            self.check(sorted(r[3] for r in rows) == sorted(want),
                       '%s: primitive %s shows the %d handlers that call it'
                       % (label, prims[0], len(want)))
            self.choose('primitive', '')

        # a link that carries the filter; load another page first, so that
        # the browser does not treat it as a jump within the same page
        family = families[-1]
        self.driver.get('about:blank')
        self.driver.get(url + '#status=' + family)
        rows = self.visible()
        self.check(len(rows) == data['summary']['by_status'][family] and
                   {r[0] for r in rows} == {family},
                   '%s: opening #status=%s shows only that status' % (label, family))
        self.check(self.driver.find_element(By.ID, 'f-status').get_attribute('value') == family,
                   '%s: the status filter shows %s' % (label, family))

        # sorting by handler name, both ways
        self.driver.get('about:blank')
        self.driver.get(url)
        heading = self.driver.find_elements(By.CSS_SELECTOR, '#handlers thead th')[1]
        heading.click()
        names = [r[3] for r in self.visible()]
        self.check(names == sorted(names),
                   '%s: a click on "handler" sorts by handler' % label)
        heading.click()
        again = [r[3] for r in self.visible()]
        self.check(again == sorted(names, reverse=True),
                   '%s: a second click sorts the other way' % label)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    driver = browser()
    checker = Checker(driver, args.verbose)
    try:
        with tempfile.TemporaryDirectory(prefix='mmap-html-') as tmp:
            data = audit_sample.sample()
            path = os.path.join(tmp, 'sample.html')
            with open(path, 'w') as out:
                out.write(audit_pages.html_page(data))
            checker.page('sample', path, data)
        if os.path.exists(REFERENCE + '.html') and os.path.exists(REFERENCE + '.json'):
            with open(REFERENCE + '.json') as src:
                data = json.load(src)
            checker.page('reports/linux-6.12.html', REFERENCE + '.html', data)
        else:
            print('skip reports/linux-6.12.html: not there (make audit writes it)')
    finally:
        driver.quit()
    print('%d passed, %d failed' % (checker.passed, len(checker.failures)))
    return 1 if checker.failures else 0


if __name__ == '__main__':
    sys.exit(main())
