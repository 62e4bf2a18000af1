"""Helpers for multi-account tests: `stocktake admin` (the real CLI, signed with the root keys)
and per-account boto3 clients."""

import subprocess

from harness import ACCESS_KEY, SECRET_KEY, binary


def admin(server, *args, access_key=ACCESS_KEY, secret_key=SECRET_KEY, check=True):
    """Runs `stocktake admin ARGS`; returns (returncode, stdout, stderr)."""
    proc = subprocess.run([binary(), "admin"] + list(args) +
                          ["--endpoint", server.url, "--access-key", access_key,
                           "--secret-key", secret_key],
                          capture_output=True, text=True, timeout=120)
    if check and proc.returncode != 0:
        raise AssertionError("stocktake admin %s failed: %s" % (" ".join(args), proc.stderr))
    return proc.returncode, proc.stdout, proc.stderr


def fields(stdout):
    """'name:   value' lines as a dict ('account id' -> ...)."""
    out = {}
    for line in stdout.splitlines():
        if ":" in line:
            name, value = line.split(":", 1)
            out[name.strip()] = value.strip().split("   (")[0]
    return out


def new_account(server, name):
    """Creates an account with one key; returns a dict with account_id, canonical_id, name,
    access_key, secret_key and a boto3 client `s3`."""
    _, out, _ = admin(server, "account", "create", "--name", name, "--with-key")
    f = fields(out)
    account = {"account_id": f["account id"], "canonical_id": f["canonical user id"],
               "name": f["name"], "access_key": f["access key id"],
               "secret_key": f["secret access key"]}
    account["s3"] = server.client(access_key=account["access_key"],
                                  secret_key=account["secret_key"])
    return account


def root_account_id(server):
    _, out, _ = admin(server, "whoami")
    return fields(out)["account id"]
