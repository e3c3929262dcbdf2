"""Failures half-way (network, HTTP 500, a killed process) and the re-run that completes the job."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap

import pytest
from wordpress_support import SLUG, Recorder, everything, media_slugs, release_of, target_for

from cjji.publish.wordpress import Response, WordPressError

pytestmark = [pytest.mark.wordpress, pytest.mark.xdist_group("wordpress")]


def assert_published_once(site, target, version) -> None:
    """One post and one media item per file and image, all linked, all matching the record."""
    posts, media = everything(site)
    assert [p["slug"] for p in posts] == [SLUG]
    assert posts[0]["status"] == "publish"
    assert sorted(m["slug"] for m in media) == media_slugs(version)  # no duplicate, no "-2" slug
    for item in media:
        assert item["source_url"] in posts[0]["content"]["raw"]
    assert [v.key for v in target.published()] == [version.key]
    assert target.verify() == []


def test_a_failure_at_any_request_then_a_rerun_publishes_exactly_once(wordpress, example_version):
    version = example_version()
    release = release_of(version)
    clean = Recorder()
    target_for(wordpress.env(), clean).publish(release)
    writes = {i + 1 for i, call in enumerate(clean.calls) if call[0] != "GET"}
    assert len(clean.writes) == 6  # the category, three files, the image, the post

    # the connection breaks before each request reaches WordPress; and after each write is done
    # but before its answer arrives (the hard case: WordPress has it, the target does not know)
    cases = [(n, False) for n in range(1, len(clean.calls) + 1)] + [(n, True) for n in writes]
    for fail_at, after in cases:
        wordpress.reset()
        broken = Recorder(fail_at, after=after)
        with pytest.raises(WordPressError) as failure:
            target_for(wordpress.env(), broken).publish(release)
        assert "the connection to http://127.0.0.1" in str(failure.value)
        assert "run the publish again" in str(failure.value)
        rerun = target_for(wordpress.env())
        rerun.publish(release)
        assert_published_once(wordpress, rerun, version)


def test_an_http_500_while_writing_the_post_leaves_a_state_the_rerun_completes(
    wordpress, example_version
):
    release = release_of(example_version())
    clean = Recorder()
    target_for(wordpress.env(), clean).publish(release)
    post_call = clean.calls.index(("POST", "/wp/v2/posts")) + 1
    wordpress.reset()

    page = b"<html><head><title>500 Internal Server Error</title></head></html>"
    broken = Recorder(post_call, answer=Response(500, "text/html", page))
    with pytest.raises(WordPressError) as failure:
        target_for(wordpress.env(), broken).publish(release)
    assert str(failure.value).startswith(
        f"WordPress: creating the post of {SLUG} version 1 failed: WordPress had an internal "
        'error (HTTP 500, page title "500 Internal Server Error")')
    assert everything(wordpress)[0] == []  # nothing visible yet: the files are not linked

    rerun = Recorder()
    target = target_for(wordpress.env(), rerun)
    target.publish(release)
    assert rerun.writes == [("POST", "/wp/v2/posts")]  # the files were kept and reused
    assert_published_once(wordpress, target, release.versions[0])


KILLER = textwrap.dedent("""
    import os, pickle, signal, sys
    from cjji.publish.wordpress import WordPressTarget, urllib_transport

    class KilledMidway:
        '''The body of an upload: the process dies by SIGKILL after sending part of it.'''
        def __init__(self, body):
            self.body, self.sent = body, 0
        def read(self, size=-1):
            if self.sent > 40000:
                os.kill(os.getpid(), signal.SIGKILL)
            data = self.body.read(size)
            self.sent += len(data)
            return data

    uploads = 0
    def transport(request, timeout):
        global uploads
        if request.get_method() == "POST" and "/wp/v2/media" in request.full_url:
            uploads += 1
            if uploads == int(sys.argv[2]):
                length = request.get_header("Content-length")
                request.data = KilledMidway(request.data)  # (drops Content-Length: put it back)
                request.add_header("Content-Length", length)
        return urllib_transport(request, timeout)

    with open(sys.argv[1], "rb") as handle:
        release = pickle.load(handle)
    WordPressTarget.from_environment(transport=transport).publish(release)
""")


def test_a_process_killed_mid_upload_then_rerun_leaves_no_duplicates(
    wordpress, example_version, tmp_path
):
    version = example_version()
    release = release_of(version)
    (tmp_path / "release.pickle").write_bytes(pickle.dumps(release))
    (tmp_path / "killer.py").write_text(KILLER)
    killed = subprocess.run(  # killed while sending the second file (the Word file)
        [sys.executable, str(tmp_path / "killer.py"), str(tmp_path / "release.pickle"), "2"],
        env={**os.environ, **wordpress.env()}, capture_output=True, timeout=120,
    )
    assert killed.returncode == -9, killed.stderr.decode()
    posts, media = everything(wordpress)
    assert posts == [] and [m["slug"] for m in media] == [f"{SLUG}-v1-pdf"]

    rerun = Recorder()
    target = target_for(wordpress.env(), rerun)
    target.publish(release)
    uploads = [c for c in rerun.writes if c[1].startswith("/wp/v2/media")]
    assert len(uploads) == 3  # the Word and HTML files and the image; the PDF is reused
    assert_published_once(wordpress, target, version)


def test_a_rebuilt_file_after_an_interrupted_run_replaces_the_unlinked_upload(
    wordpress, example_version, tmp_path
):
    """The re-run rebuilds the report; a PDF that is not byte-identical must not leave the
    interrupted run's PDF behind as a second, never-linked copy."""
    first = example_version()
    # users/me, category lookup and creation, post lookup, media lookup, the PDF: then it stops
    with pytest.raises(WordPressError):
        target_for(wordpress.env(), Recorder(6, after=True)).publish(release_of(first))
    (orphan,) = everything(wordpress)[1]
    assert orphan["slug"] == f"{SLUG}-v1-pdf"

    rebuilt = tmp_path / "2026-victim-updates.pdf"
    rebuilt.write_bytes(first.files["pdf"].source.read_bytes() + b"\n% rebuilt\n")
    second_build = example_version(files={**{f: x.source for f, x in first.files.items()},
                                          "pdf": rebuilt})
    target = target_for(wordpress.env())
    target.publish(release_of(second_build))
    assert_published_once(wordpress, target, second_build)
    media = everything(wordpress)[1]
    assert orphan["id"] not in [m["id"] for m in media]
    pdf = next(m for m in media if m["slug"].endswith("-pdf"))
    assert pdf["description"]["raw"] == f"sha256:{second_build.files['pdf'].sha256}"
