"""A real WordPress on loopback for the `wordpress` target's tests (session scope).

What runs, all private to the test session and torn down after it:
- MariaDB (`mariadbd`) with its own data directory under the session's tmp dir, on a unix socket
  only (`--skip-networking`), as root (`--user=root`);
- PHP's built-in web server (`php -S 127.0.0.1:<free port>`) over a private document root:
  symlinks to every file of Debian's /usr/share/wordpress except wp-config.php, plus our own
  wp-config.php. Debian's wp-config.php would read /etc/wordpress/config-<host>.php; to leave /etc
  alone, the router script defines ABSPATH as the private root before WordPress loads, so
  wp-load.php finds OUR wp-config.php (PHP resolves symlinks in __DIR__, ABSPATH does not).
  The router also plays the part of the .htaccess rewrite (pretty permalinks, /wp-json/).
  WP_ENVIRONMENT_TYPE=local lets application passwords work over plain HTTP on loopback.
- wp-content is private too (WP_CONTENT_DIR): uploads, a one-file theme that prints each page's
  title and content (Debian ships no theme), and a must-use plugin that stops WordPress mailing.

WordPress is installed with wp_install() from `php`, which also creates the application passwords
of an administrator and of a subscriber (who may not upload or publish). Tests get a clean site
each (`wordpress` fixture deletes every post, page and upload between tests).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import EXAMPLE, ROOT
from wordpress_support import EXAMPLE_NOW

from cjji.policy import load_policy
from cjji.publish.embargo import embargo_of
from cjji.publish.plan import file_info, metadata, recommendations, rendered_body
from cjji.publish.target import Change, ReportVersion
from cjji.report import load

WORDPRESS = Path("/usr/share/wordpress")
MARIADBD = Path("/usr/sbin/mariadbd")
PACKAGES = "wordpress mariadb-server php-cli php-mysql"
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class WordPressSite:
    url: str  # http://127.0.0.1:<port>
    admin: str
    admin_password: str  # an application password
    subscriber: str
    subscriber_password: str
    content_dir: Path
    socket: Path
    started_in: float  # seconds the fixture took to start everything

    def sql(self, statement: str) -> str:
        return _sql(self.socket, statement, database="wordpress")

    def reset(self) -> None:
        """Delete every post, page, upload and category (users and passwords stay)."""
        self.sql("DELETE FROM wp_posts; DELETE FROM wp_postmeta; DELETE t, x FROM wp_terms t "
                 "JOIN wp_term_taxonomy x USING (term_id) WHERE t.slug <> 'uncategorized'; "
                 "DELETE FROM wp_term_relationships WHERE term_taxonomy_id <> 1;")
        uploads = self.content_dir / "uploads"
        shutil.rmtree(uploads)
        uploads.mkdir()

    def env(self, *, user: str | None = None, password: str | None = None) -> dict[str, str]:
        """Environment variables that point the target at this site."""
        return {
            "CJJI_WP_URL": self.url,
            "CJJI_WP_USER": user or self.admin,
            "CJJI_WP_APP_PASSWORD": password or self.admin_password,
        }


def _missing_packages() -> str | None:
    if not (WORDPRESS / "wp-settings.php").is_file():
        return "/usr/share/wordpress (Debian package wordpress)"
    if not MARIADBD.is_file() or not shutil.which("mariadb-install-db"):
        return "mariadbd (Debian package mariadb-server)"
    if not shutil.which("php"):
        return "php (Debian package php-cli)"
    modules = subprocess.run(["php", "-m"], capture_output=True, text=True).stdout.split()
    if "mysqli" not in modules:
        return "PHP's mysqli module (Debian package php-mysql)"
    return None


def _sql(sock: Path, statement: str, database: str | None = None) -> str:
    command = ["mariadb", "--no-defaults", f"--socket={sock}", "--user=root", "--batch"]
    command += ["--skip-column-names", "-e", statement] + ([database] if database else [])
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(what: str, ready: Callable[[], bool], deadline: float, log: Path) -> None:
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.05)
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    raise RuntimeError(f"{what} did not start within {START_TIMEOUT:.0f} s; log:\n{tail}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and b'"namespaces"' in response.read()
    except (OSError, urllib.error.URLError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server and its workers: each was started as the leader of its own process group."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _write_site_files(base: Path, sock: Path, url: str) -> Path:
    """The private document root, wp-content, router and installer; returns the root."""
    root, content = base / "root", base / "wp-content"
    root.mkdir()
    for entry in WORDPRESS.iterdir():
        if entry.name not in ("wp-config.php", "wp-content", ".htaccess"):
            (root / entry.name).symlink_to(entry)
    (root / "wp-content").symlink_to(content)  # uploads are served from the private root
    theme, mu = content / "themes" / "cjji-test", content / "mu-plugins"
    for folder in (theme, mu, content / "uploads", content / "plugins"):
        folder.mkdir(parents=True)
    (theme / "style.css").write_text("/*\nTheme Name: cjji test\n*/\n")
    (theme / "index.php").write_text(
        "<!DOCTYPE html><html><head><title><?php wp_title(''); ?></title></head><body>\n"
        "<?php while (have_posts()) : the_post(); ?>"
        "<article><h1><?php the_title(); ?></h1><?php the_content(); ?></article>"
        "<?php endwhile; ?>\n</body></html>\n"
    )
    (mu / "no-mail.php").write_text("<?php\nfunction wp_mail() { return true; }\n")
    (root / "wp-config.php").write_text(
        "<?php\n"
        "define('DB_NAME', 'wordpress'); define('DB_USER', 'root'); define('DB_PASSWORD', '');\n"
        f"define('DB_HOST', 'localhost:{sock}');\n"
        "define('DB_CHARSET', 'utf8mb4'); define('DB_COLLATE', '');\n"
        f"define('WP_CONTENT_DIR', '{content}');\n"
        f"define('WP_CONTENT_URL', '{url}/wp-content');\n"
        "define('WP_ENVIRONMENT_TYPE', 'local');\n"
        "define('DISABLE_WP_CRON', true); define('AUTOMATIC_UPDATER_DISABLED', true);\n"
        "define('WP_AUTO_UPDATE_CORE', false); define('WP_HTTP_BLOCK_EXTERNAL', true);\n"
        + "".join(
            f"define('{k}', 'cjji-test-{k.lower()}');\n"
            for k in ("AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT",
                      "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT")
        )
        + "$table_prefix = 'wp_';\nrequire_once ABSPATH . 'wp-settings.php';\n"
    )
    (base / "router.php").write_text(
        "<?php\n"
        f"define('ABSPATH', '{root}/');\n"
        "$path = urldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));\n"
        "if ($path !== '/' && file_exists(ABSPATH . ltrim($path, '/'))) { return false; }\n"
        "$_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = '/index.php';\n"
        "require ABSPATH . 'index.php';\n"
    )
    (base / "install.php").write_text(
        "<?php\n"
        f"define('ABSPATH', '{root}/'); define('WP_INSTALLING', true);\n"
        f"$_SERVER['HTTP_HOST'] = '{url.removeprefix('http://')}'; $_SERVER['REQUEST_URI'] = '/';\n"
        "function wp_new_blog_notification() {}\n"
        "require ABSPATH . 'wp-load.php';\n"
        "require_once ABSPATH . 'wp-admin/includes/upgrade.php';\n"
        "$site = wp_install('Criminal justice joint inspection (test)', 'admin',"
        " 'admin@example.invalid', false, '', wp_generate_password(24));\n"
        f"update_option('siteurl', '{url}'); update_option('home', '{url}');\n"
        "update_option('permalink_structure', '/%postname%/');\n"
        "switch_theme('cjji-test');\n"
        "$admin = WP_Application_Passwords::create_new_application_password("
        "$site['user_id'], ['name' => 'cjji tests']);\n"
        "$reader = wp_insert_user(['user_login' => 'reader', 'user_pass' => wp_generate_password(24),"
        " 'role' => 'subscriber', 'user_email' => 'reader@example.invalid']);\n"
        "$sub = WP_Application_Passwords::create_new_application_password("
        "$reader, ['name' => 'cjji tests']);\n"
        "echo json_encode(['admin' => $admin[0], 'subscriber' => $sub[0]]);\n"
    )
    return root


@pytest.fixture(scope="session")
def wordpress_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WordPressSite]:
    missing = _missing_packages()
    if missing:
        message = f"the local WordPress needs {missing}; run `bash scripts/setup-system.sh --test`"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI installs {PACKAGES} with `make setup-test`)")
        pytest.skip(message)
    started = time.monotonic()
    deadline = started + START_TIMEOUT
    base = tmp_path_factory.mktemp("wordpress")
    data, sock, db_log = base / "mariadb", base / "mariadb.sock", base / "mariadb.log"
    subprocess.run(
        ["mariadb-install-db", "--no-defaults", f"--datadir={data}", "--user=root",
         "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"],
        capture_output=True, check=True,
    )
    processes: list[subprocess.Popen[bytes]] = []
    try:
        processes.append(subprocess.Popen(
            [str(MARIADBD), "--no-defaults", f"--datadir={data}", f"--socket={sock}",
             "--skip-networking", "--user=root", f"--pid-file={base / 'mariadb.pid'}",
             f"--log-error={db_log}", "--skip-log-bin", "--innodb-buffer-pool-size=32M",
             "--innodb-log-file-size=16M", "--innodb-flush-log-at-trx-commit=0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        ))

        def db_ready() -> bool:
            try:
                _sql(sock, "SELECT 1")
                return True
            except subprocess.CalledProcessError:
                return False

        _wait("MariaDB", db_ready, deadline, db_log)
        _sql(sock, "CREATE DATABASE wordpress CHARACTER SET utf8mb4")
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        root = _write_site_files(base, sock, url)
        installed = subprocess.run(
            ["php", str(base / "install.php")], capture_output=True, text=True, check=True
        )
        passwords = json.loads(installed.stdout.strip().splitlines()[-1])
        php_log = base / "php.log"
        with php_log.open("wb") as log:
            processes.append(subprocess.Popen(
                ["php", "-d", "upload_max_filesize=64M", "-d", "post_max_size=64M",
                 "-d", "memory_limit=256M", "-S", f"127.0.0.1:{port}", "-t", str(root),
                 str(base / "router.php")],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                env={**os.environ, "PHP_CLI_SERVER_WORKERS": "2"},
            ))
        _wait("WordPress (php -S)", lambda: _answers(f"{url}/wp-json/"), deadline, php_log)
        yield WordPressSite(
            url=url, admin="admin", admin_password=passwords["admin"], subscriber="reader",
            subscriber_password=passwords["subscriber"], content_dir=base / "wp-content",
            socket=sock, started_in=time.monotonic() - started,
        )
    finally:
        for process in reversed(processes):
            _stop(process)


@pytest.fixture
def wordpress(wordpress_site: WordPressSite) -> WordPressSite:
    """The session's WordPress with no posts, pages, uploads or categories of ours."""
    wordpress_site.reset()
    return wordpress_site


# -- the example report, built once by the real builders --------------------------------------

@pytest.fixture(scope="session")
def example_copy_with_image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the example whose figure is an author's PNG (images/updates.png, 1200 x 700), not
    the chart cjji draws: these tests are about the images WordPress takes (media upload, resume,
    verify). test_cli.py publishes the shipped example, chart and all."""
    from PIL import Image

    folder = tmp_path_factory.mktemp("example-with-image") / EXAMPLE.name
    shutil.copytree(EXAMPLE, folder)
    (folder / "images").mkdir()
    Image.new("RGB", (1200, 700), "#1d4e5f").save(folder / "images" / "updates.png")
    md = folder / "report.md"
    text = md.read_text(encoding="utf-8")
    figure = text.replace("](data/updates.csv", "](images/updates.png").replace("){.chart kind=bar}", ")")
    assert figure.count("](images/updates.png") == 1 and "{.chart" not in figure
    md.write_text(figure, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def example_build(example_copy_with_image: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example report's Word, PDF and HTML files (cjji.build), built once per session."""
    from cjji.build import build_report

    out = tmp_path_factory.mktemp("example-build")
    return build_report(load(example_copy_with_image), load_policy(ROOT), out)


def _versions_of(folder: Path, built: dict[str, Path]):  # type: ignore[no-untyped-def]
    report, policy = load(folder), load_policy(ROOT)
    embargo = embargo_of(report.meta["publication"])
    body, assets = rendered_body(built["html"])

    def make(version: int = 1, history: tuple[Change, ...] = (), *, note: str = "First published.",
             published_at: dt.datetime = EXAMPLE_NOW, files: dict[str, Path] | None = None,
             ) -> ReportVersion:
        change = Change(version, published_at.date(), "major", note)
        paths = files or built
        return ReportVersion(
            report_id=report.id, version=version, metadata=metadata(report, policy),
            files={fmt: file_info(fmt, path) for fmt, path in paths.items()},
            body=body, change=change, history=(*history, change),
            recommendations=recommendations(report, policy),
            content_digest=f"sha256:{version:064x}", signoffs=(), embargo=embargo,
            published_at=published_at, assets=assets,
        )

    return make


@pytest.fixture
def example_version(example_build: dict[str, Path], example_copy_with_image: Path):  # type: ignore[no-untyped-def]
    """make(version=1, note=...) -> the example report's ReportVersion, as `cjji publish` makes it
    (cjji.publish.plan's metadata, recommendations, file records and the image its HTML shows;
    no sign-offs)."""
    return _versions_of(example_copy_with_image, example_build)


