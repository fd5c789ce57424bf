"""The https path Mastodon needs (issue 11): WebFinger is https only and on
port 443, so a server that federates with Mastodon must be found so. Two
servers run in a network namespace of their own (https_netns.py: names in
a private /etc/hosts, a test CA trusted through the system bundle of a
private mount namespace, nginx from deploy/ terminating TLS on port 443),
with no test mode: one looks the other's user up by handle, follows her
and gets her post."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BIN, PG

HERE = Path(__file__).parent


def namespaces_allowed():
    p = subprocess.run(["unshare", "--net", "--mount", "true"], capture_output=True, text=True)
    return p.returncode == 0, p.stderr.strip()


@pytest.mark.skipif(PG, reason="a network namespace cannot reach the PostgreSQL pass's "
                               "cluster on localhost; the store is not what this tests")
def test_handle_lookup_follow_and_post_over_https():
    if not shutil.which("unshare"):
        pytest.skip("unshare (util-linux) is not installed")
    ok, why = namespaces_allowed()
    if not ok:
        pytest.skip(f"network namespaces are not permitted here (unshare: {why})")
    if not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is not installed (scripts/deps.sh installs nginx-light)")
    env = dict(os.environ, RAPPORT_BIN=BIN)
    env.pop("RAPPORT_FEDERATION_INSECURE", None)
    p = subprocess.run(["unshare", "--net", "--mount", "--", sys.executable,
                        str(HERE / "https_netns.py")],
                       capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    seen = json.loads(p.stdout.strip().splitlines()[-1])
    assert seen["untrusted"] == []  # before the test CA was trusted: TLS is checked
    assert seen["acct"].endswith("@social-a.test")
    assert seen["uri"].startswith("https://social-a.test/users/")
    assert seen["followers"] == 1
