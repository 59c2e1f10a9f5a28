"""Helpers for the browser tests: headless Chromium (selenium) on the served console, reading it off
the page's xterm.js terminal and typing into it by keys."""

from __future__ import annotations

import shutil
from io import BytesIO
from pathlib import Path

from ledger.demo import OFFICE
from serve_support import PATIENCE_S, need

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
#: On the sign-in screen once it is drawn whole (the demo ledger's office comes from a worker).
SIGN_IN_DRAWN = ("User name", "6 digits or more", OFFICE)

#: Runs before any script of every page: textual.js (textual-serve 1.1.3) keeps its xterm.js
#: Terminal in a closure, assigned as `this.terminal = new Terminal(...)`. An accessor on
#: Object.prototype sees that assignment, keeps the value as the object's own property (so the
#: page works as before) and remembers the Terminal on window for execute_script.
HOOK_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  get() { return undefined; },
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
    if (value && value.buffer && typeof value.onData === "function") { window.__cashdeskTerminal = value; }
  },
});
"""
#: The terminal's visible lines and each cell's colours: a focus move may change only colours.
READ_SCREEN = """
const term = window.__cashdeskTerminal;
if (!term) { return null; }
const buffer = term.buffer.active, cell = buffer.getNullCell(), lines = [], colours = [];
for (let y = 0; y < term.rows; y++) {
  const line = buffer.getLine(buffer.viewportY + y);
  lines.push(line ? line.translateToString(true) : "");
  for (let x = 0; x < term.cols; x++) {
    if (line) { line.getCell(x, cell); }
    colours.push(line ? cell.getFgColor() * 2 + cell.getBgColor() * 3 + (cell.isInverse() ? 1 : 0) : 0);
  }
}
return {text: lines.join("\\n"), colours: colours, cols: term.cols, rows: term.rows};
"""
def need_chromium() -> None:
    """Skip when Chromium is missing on a developer's machine; under CI=true, fail instead."""
    missing = [name for name, found in (("chromium", CHROMIUM), ("chromium-driver", CHROMEDRIVER)) if not found]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install '.[test]')")
    need(missing, "the browser tests")


def line_of(screen: dict, text: str) -> int:
    rows = [number for number, line in enumerate(screen["text"].split("\n")) if text in line]
    assert rows, f"no line shows {text!r}:\n{screen['text']}"
    return rows[0]


def focus_arrived(before: dict, after: dict, row: int) -> bool:
    """The line `row` changed: its text, or any cell's colours (a compact input shows focus by its
    cursor alone). Other lines may change for other reasons (a worker's answer) and prove nothing."""
    if after["text"].split("\n")[row:row + 1] != before["text"].split("\n")[row:row + 1]:
        return True
    cells = slice(row * before["cols"], (row + 1) * before["cols"])
    return before["colours"][cells] != after["colours"][cells]


def start_chromium(width: int, height: int):
    """Headless Chromium with the page's inner size width x height, hooking every page's terminal."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                     "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
                     f"--window-size={width},{height}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        prepare_tab(driver, width, height)
    except Exception:
        driver.quit()
        raise
    return driver


def prepare_tab(driver, width: int, height: int) -> None:
    """The current tab: its page exactly width x height, and the terminal hook in every page it loads."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOOK_TERMINAL})


class Page:
    """The console as a person at the browser sees it (the terminal's text) and types into it."""

    def __init__(self, driver) -> None:
        self.driver = driver

    def open(self, url: str) -> str:
        """The sign-in screen, drawn whole: the office's name comes last, from a worker."""
        self.driver.get(url)
        return self.wait_until(lambda shown: all(part in shown["text"] for part in SIGN_IN_DRAWN),
                               "the sign-in screen was never drawn whole")["text"]

    def new_tab(self, url: str) -> str:
        """Open the console in a new tab of the same browser and switch to it."""
        size = self.driver.execute_script("return [window.innerWidth, window.innerHeight];")
        self.driver.switch_to.new_window("tab")
        prepare_tab(self.driver, *size)
        return self.open(url)

    def screen(self) -> dict:
        blank = {"text": "", "colours": [], "cols": 0, "rows": 0}  # before the page's terminal
        return self.driver.execute_script(READ_SCREEN) or blank

    def text(self) -> str:
        return self.screen()["text"]

    def wait_until(self, check, what: str) -> dict:
        """Poll the screen until check(screen) holds, or fail showing what is on it."""
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait

        def holds(_driver) -> dict | bool:
            shown = self.screen()
            return shown if check(shown) else False

        try:
            return WebDriverWait(self.driver, PATIENCE_S, poll_frequency=0.05).until(holds)
        except TimeoutException:
            raise AssertionError(f"{what}; the page's terminal shows:\n{self.text()}") from None

    def wait_for(self, text: str) -> str:
        return self.wait_until(lambda shown: text in shown["text"], f"{text!r} never appeared")["text"]

    def type(self, text: str) -> None:
        """Keys that move no focus (letters, digits, an Enter that submits), sent as typed: the caller
        waits for what they show."""
        from selenium.webdriver.common.action_chains import ActionChains

        self._focus()
        ActionChains(self.driver).send_keys(text).perform()

    def ctrl(self, letter: str) -> None:
        """ctrl+letter (ctrl+s posts a form); it moves no focus."""
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        self._focus()
        ActionChains(self.driver).key_down(Keys.CONTROL).send_keys(letter).key_up(Keys.CONTROL).perform()

    def move(self, key: str, to: str) -> None:
        """A key that moves focus to the field on the line showing `to` (never the line focused now,
        where a text cursor blinks); waits until that line changes: keys sent in a burst can overtake
        the focus change they cause."""
        before = self.screen()
        row = line_of(before, to)
        self.type(key)
        self.wait_until(lambda shown: focus_arrived(before, shown, row), f"pressing {key!r} moved no focus to {to!r}")

    def _focus(self) -> None:
        self.driver.execute_script("document.querySelector('.xterm-helper-textarea').focus();")

    def screenshot(self, path: Path) -> int:
        """Save the page as PNG; the number of distinct colours on the terminal's part of it."""
        from PIL import Image

        png = self.driver.get_screenshot_as_png()
        path.write_bytes(png)
        box = self.driver.execute_script(
            "const r = document.querySelector('.xterm-screen').getBoundingClientRect();"
            "return [Math.floor(r.left), Math.floor(r.top), Math.ceil(r.right), Math.ceil(r.bottom)];")
        with Image.open(BytesIO(png)) as picture:
            colours = picture.convert("RGB").crop(tuple(box)).getcolors(maxcolors=1 << 24)
        return len(colours or [])
