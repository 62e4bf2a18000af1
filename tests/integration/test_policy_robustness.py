"""PutBucketPolicy robustness over HTTP (issue 7): thousands of generated policies, odd and
malformed, thrown at the real server with boto3. Every one must be answered MalformedPolicy (400)
or accepted (204); an accepted one must come back verbatim from GetBucketPolicy, and two probes
(GetObject by another account and by the owner) must be decided as the policy says: exactly as
an independent evaluator below says for the well-formed policies of a known shape, and
deterministically (200 or 403, the same twice) for accepted mutants. The server must never crash.

STOCKTAKE_POLICY_FUZZ_COUNT overrides the count (the issue's 10,000 run is manual)."""

import json
import os
import random
import time
import unittest
import urllib.request

from botocore.exceptions import ClientError

from accounts_util import new_account, root_account_id
from harness import ServerTestCase

# Policies per CI run: enough to cover every generator branch many times, small enough for CI.
POLICY_COUNT = 2000
SEED = 20261126
BUCKET = "fuzzed"
PROBE_KEY = "probe.txt"


class Principals:
    """The two accounts the probes run as."""

    def __init__(self, owner_id, other_id, other_canonical):
        self.owner_id = owner_id
        self.other_id = other_id
        self.other_canonical = other_canonical


# ---- Well-formed policies of a known shape, with an independent evaluator ----------------------

# (condition block, {caller: value}) where caller is "owner" or "other": whether the condition
# holds for the probe (GetObject probe.txt, from 127.0.0.1 over plain HTTP, tagged probe=yes).
# Global (aws:) keys apply to every action; the s3: keys after them only to some, so they are
# used only with actions they apply to (S3_KEY_ACTIONS).
def global_conditions(p):
    return [
        ({"StringEquals": {"aws:PrincipalAccount": p.other_id}}, {"owner": False, "other": True}),
        ({"StringEquals": {"aws:PrincipalAccount": p.owner_id}}, {"owner": True, "other": False}),
        ({"StringNotEquals": {"aws:PrincipalAccount": p.owner_id}},
         {"owner": False, "other": True}),
        ({"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}, {"owner": True, "other": True}),
        ({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}},
         {"owner": False, "other": False}),
        ({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {"owner": True, "other": True}),
        ({"Bool": {"aws:SecureTransport": "false"}}, {"owner": True, "other": True}),
        ({"Bool": {"aws:SecureTransport": "true"}}, {"owner": False, "other": False}),
        ({"Null": {"aws:SourceArn": "true"}}, {"owner": True, "other": True}),
        ({"Null": {"aws:SourceArn": "false"}}, {"owner": False, "other": False}),
        ({"NumericLessThan": {"aws:EpochTime": "1000"}}, {"owner": False, "other": False}),
        ({"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}},
         {"owner": True, "other": True}),
        ({"DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}},
         {"owner": False, "other": False}),
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::%s:*" % p.other_id}},
         {"owner": False, "other": True}),
        ({"ForAnyValue:StringLike": {"aws:PrincipalAccount": ["1*", p.other_id]}},
         {"owner": p.owner_id.startswith("1"), "other": True}),
    ]


S3_KEY_CONDITIONS = [
    ({"StringLike": {"s3:ExistingObjectTag/probe": "y*"}}, {"owner": True, "other": True}),
    ({"StringEquals": {"s3:ExistingObjectTag/probe": "no"}}, {"owner": False, "other": False}),
    ({"StringEqualsIfExists": {"s3:ExistingObjectTag/other": "x"}},
     {"owner": True, "other": True}),
]
# Action elements s3:ExistingObjectTag/* applies to (some action each names is tag-aware).
S3_KEY_ACTIONS = ["s3:GetObject", "s3:Get*", "s3:*", "*", "s3:G?tObject", "S3:GETOBJECT",
                  "s3:*Object", "s3:GetObjectVersion"]
# Action elements that name some bucket-level action (a bare bucket ARN resource needs one).
BUCKET_ACTIONS = ["s3:Get*", "s3:*", "*", "s3:List*"]


def principals(p):
    """(Principal element, NotPrincipal?, matches-owner, matches-other)."""
    return [
        ("*", False, True, True),
        ({"AWS": "*"}, False, True, True),
        ({"AWS": p.other_id}, False, False, True),
        ({"AWS": "arn:aws:iam::%s:root" % p.other_id}, False, False, True),
        ({"AWS": [p.owner_id, "arn:aws:iam::%s:root" % p.other_id]}, False, True, True),
        ({"CanonicalUser": p.other_canonical}, False, False, True),
        ({"AWS": p.owner_id}, False, True, False),
        ({"Service": "s3.amazonaws.com"}, False, False, False),
        ({"AWS": p.owner_id}, True, False, True),  # NotPrincipal (with Deny only)
    ]


ACTIONS = [  # (Action value, NotAction?, matches s3:GetObject)
    ("s3:GetObject", False, True), ("s3:Get*", False, True), ("s3:*", False, True),
    ("*", False, True), ("s3:PutObject", False, False),
    (["s3:PutObject", "s3:GetObject"], False, True), ("s3:GetObjectVersion", False, False),
    ("s3:G?tObject", False, True), ("S3:GETOBJECT", False, True), ("s3:*Object", False, True),
    ("s3:PutObject", True, True), ("s3:Get*", True, False), ("s3:List*", False, False),
]


def resources(bucket):
    arn = "arn:aws:s3:::" + bucket
    return [  # (Resource value, NotResource?, matches the probe object)
        (arn + "/*", False, True), (arn + "/probe*", False, True),
        (arn + "/other/*", False, False), (arn + "/pro?e.txt", False, True),
        (arn, False, False), ([arn, arn + "/*"], False, True), (arn + "/other/*", True, True),
        (arn + "/*.txt", False, True), (arn + "/PROBE.TXT", False, False),
        ("arn:aws:s3:::%s*" % bucket[:3], False, True),
    ]


def structured_policy(rng, p):
    """A well-formed policy and the expected probe answers {"owner": 200|403, "other": ...}."""
    statements, matched = [], {"owner": [], "other": []}
    for index in range(rng.randint(1, 4)):
        effect = rng.choice(["Allow", "Deny"])
        principal, not_principal, owner_match, other_match = rng.choice(principals(p))
        if not_principal and effect == "Allow":
            effect = "Deny"
        action, not_action, action_match_probe = rng.choice(ACTIONS)
        resource, not_resource, resource_match = rng.choice(resources(BUCKET))
        while (isinstance(resource, str) and "/" not in resource and "*" not in resource and
               not not_action and action not in BUCKET_ACTIONS):
            # "Action does not apply to any resource(s) in statement"
            resource, not_resource, resource_match = rng.choice(resources(BUCKET))
        statement = {"Sid": "S%d" % index, "Effect": effect,
                     "NotPrincipal" if not_principal else "Principal": principal,
                     "NotAction" if not_action else "Action": action,
                     "NotResource" if not_resource else "Resource": resource}
        holds = {"owner": True, "other": True}
        if rng.random() < 0.5:
            block = {}
            candidates = global_conditions(p)
            if not_action or (isinstance(action, str) and action in S3_KEY_ACTIONS):
                candidates += S3_KEY_CONDITIONS
            for condition, result in rng.sample(candidates, rng.randint(1, 2)):
                for operator, keys in condition.items():
                    if operator in block and set(keys) & set(block[operator]):
                        continue  # one value per key and operator in this generator
                    block.setdefault(operator, {}).update(keys)
                    holds = {c: holds[c] and result[c] for c in holds}
            statement["Condition"] = block
        if rng.random() < 0.3:
            statement = {k: statement[k] for k in rng.sample(list(statement), len(statement))}
        statements.append(statement)
        applies = action_match_probe and resource_match
        for caller, principal_match in (("owner", owner_match), ("other", other_match)):
            if applies and principal_match and holds[caller]:
                matched[caller].append(effect)
    document = {"Version": rng.choice(["2012-10-17", "2008-10-17"]), "Statement": statements}
    if rng.random() < 0.3:
        document["Id"] = "fuzz-%d" % rng.randint(0, 1 << 30)
    if len(statements) == 1 and rng.random() < 0.2:
        document["Statement"] = statements[0]  # a single statement object is allowed
    expected = {}
    for caller in ("owner", "other"):
        if "Deny" in matched[caller]:
            expected[caller] = 403
        elif caller == "owner" or "Allow" in matched[caller]:
            expected[caller] = 200
        else:
            expected[caller] = 403
    indent = rng.choice([None, None, 2, "\t"])
    return json.dumps(document, indent=indent), expected


# ---- Malformed and odd policies ------------------------------------------------------------------

ODD_VALUES = [None, True, False, 0, -1, 1e308, 12345678901234567890, "", " ", "*", "null",
              [], {}, [[]], [{}], {"": ""}, "\u0000", "\u202e", "\U0001F600", "a" * 300,
              "arn:aws:s3:::", "s3:", "::", "${aws:username}", "$", "${", "\\", "\"", "\n"]


def mutate_value(rng, document):
    """Replaces one element anywhere in the document by an odd value."""
    def walk(node):
        if isinstance(node, dict) and node and rng.random() < 0.7:
            key = rng.choice(list(node))
            if rng.random() < 0.4:
                node[key] = rng.choice(ODD_VALUES)
            else:
                node[key] = walk(node[key])
            return node
        if isinstance(node, list) and node and rng.random() < 0.7:
            i = rng.randrange(len(node))
            node[i] = walk(node[i])
            return node
        return rng.choice(ODD_VALUES)
    return walk(document)


def mutate_structure(rng, document):
    """Adds, removes or renames an element, or changes a field to another well-known one."""
    statements = document["Statement"]
    statement = statements[0] if isinstance(statements, list) else statements
    choice = rng.randrange(10)
    if choice == 0:
        statement.pop(rng.choice(list(statement)))
    elif choice == 1:
        statement[rng.choice(["Foo", "effect", "Principals", "Actions", "Conditions"])] = "x"
    elif choice == 2:
        document.pop(rng.choice(list(document)))
    elif choice == 3:
        document[rng.choice(["Foo", "version", "Statements"])] = []
    elif choice == 4:
        statement["Effect"] = rng.choice(["allow", "DENY", "Permit", "", "Allow ", 1])
    elif choice == 5:
        statement["Action"] = rng.choice(["GetObject", "s3", "iam:PassRole", "s3:Get Object",
                                          "ec2:*", ["s3:GetObject", 5], "s3:GetObject*?"])
    elif choice == 6:
        statement["Resource"] = rng.choice(["arn:aws:s3:::another-bucket/*", "*", "arn:aws:s3",
                                            "arn:aws:iam::123456789012:root", "arn:aws:s3:::",
                                            ["arn:aws:s3:::%s/*" % BUCKET, None]])
    elif choice == 7:
        statement["Principal"] = rng.choice([{"AWS": "999999999999"}, {"Foo": "x"}, "",
                                             {"AWS": []}, {"AWS": "arn:aws:iam::1:root"},
                                             {"CanonicalUser": "ab" * 32}, {"Service": ""},
                                             {"AWS": "arn:aws:iam::%s:user/u*" % ("1" * 12)}])
    elif choice == 8:
        statement["Condition"] = rng.choice([
            {"StringEqualz": {"aws:SourceIp": "x"}}, {"StringEquals": "x"},
            {"StringEquals": {"aws:SourceIp": {"a": "b"}}},
            {"IpAddress": {"aws:SourceIp": "1.2.3"}},
            {"IpAddress": {"aws:SourceIp": "::1/129"}}, {"NumericLessThan": {"s3:max-keys": "x"}},
            {"DateGreaterThan": {"aws:CurrentTime": "yesterday"}}, {"Bool": {"aws:x": "maybe"}},
            {"ForAllValues:ForAnyValue:StringLike": {"s3:prefix": "a"}}, {},
            {"StringEquals": {"": "x"}}, {"StringLikeIfExists": {"s3:prefix": []}},
            {"Null": {"s3:prefix": "perhaps"}}, {"ArnLike": {"aws:SourceArn": "not-an-arn"}},
            {"StringEquals": {"s3:ExistingObjectTag/": "x"}},
            {"ForAnyValue:StringEquals": {"s3:InventoryAccessibleOptionalFields": ["Size"] * 50}}])
    else:
        document["Statement"] = rng.choice([[], {}, "x", None, [None], [[]], [statement] * 40])
    return document


def syntax_mutant(rng, text):
    """Byte-level damage to a JSON text (it stays a str boto3 can send)."""
    choice = rng.randrange(8)
    if choice == 0:
        return text[:rng.randrange(len(text))]
    if choice == 1:
        i = rng.randrange(len(text))
        return text[:i] + rng.choice("{}[],:\"\\ \t\n\u00e9\U0001F600") + text[i:]
    if choice == 2:
        i = rng.randrange(len(text))
        return text[:i] + text[i + 1:]
    if choice == 3:
        depth = rng.choice([10, 100, 1000, 20000])
        opener = rng.choice(["[", "{\"a\":"])
        closer = "]" if opener == "[" else "}"
        return opener * depth + "1" + closer * depth * rng.choice([0, 1])
    if choice == 4:
        return rng.choice(["", " ", "null", "[]", "{}", "42", "\"policy\"", "true", "\ufeff{}",
                           "{\"Version\":\"2012-10-17\"}", "{\"Statement\":[]}", "{,}", "{\"a\"}",
                           "{\"Version\":\"2012-10-17\",\"Statement\":[{}]}", "[1,2", "nul",
                           "{\"Version\":\"2012-10-17\",\"Version\":\"2008-10-17\"}"])
    if choice == 5:
        return text + rng.choice(["x", "}", "{}", "\n\n", "\u0000", " // comment", ",", "[]"])
    if choice == 6:
        # Oversized: past the 20 KB limit (whitespace does not count, so pad a string).
        document = json.loads(text)
        statements = document["Statement"]
        first = statements[0] if isinstance(statements, list) else statements
        first["Sid"] = "S" * rng.choice([19000, 21000, 200000])
        return json.dumps(document)
    return text.replace("\"", rng.choice(["'", "\\\"", "\u201c"]), rng.randint(1, 3))


def generate(rng, p, index):
    """(policy text, expected probe answers or None for "accepted or MalformedPolicy")."""
    text, expected = structured_policy(rng, p)
    kind = index % 4
    if kind == 0:
        return text, expected, "structured"
    if kind == 1:
        return json.dumps(mutate_value(rng, json.loads(text))), None, "odd-value"
    if kind == 2:
        return json.dumps(mutate_structure(rng, json.loads(text))), None, "odd-structure"
    return syntax_mutant(rng, text), None, "syntax"


class PolicyRobustnessTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        other = new_account(cls.server, "fuzz-other")
        cls.other_s3 = other["s3"]
        cls.principals = Principals(root_account_id(cls.server), other["account_id"],
                                    other["canonical_id"])
        cls.s3.create_bucket(Bucket=BUCKET)
        cls.s3.put_object(Bucket=BUCKET, Key=PROBE_KEY, Body=b"probe", Tagging="probe=yes")

    def probe(self, client):
        try:
            client.get_object(Bucket=BUCKET, Key=PROBE_KEY)["Body"].read()
            return 200
        except ClientError as e:
            return e.response["ResponseMetadata"]["HTTPStatusCode"]

    def test_generated_policies(self):
        count = int(os.environ.get("STOCKTAKE_POLICY_FUZZ_COUNT", POLICY_COUNT))
        rng = random.Random(SEED)
        stats = {}
        started = time.time()
        for index in range(count):
            text, expected, kind = generate(rng, self.principals, index)
            context = "policy #%d (%s): %r" % (index, kind, text[:400])
            try:
                self.s3.put_bucket_policy(Bucket=BUCKET, Policy=text)
                accepted = True
            except ClientError as e:
                error = e.response["Error"]
                self.assertEqual((e.response["ResponseMetadata"]["HTTPStatusCode"],
                                  error["Code"]), (400, "MalformedPolicy"), context)
                self.assertTrue(error.get("Message"), context)
                accepted = False
            outcome = stats.setdefault(kind, {"accepted": 0, "MalformedPolicy": 0})
            outcome["accepted" if accepted else "MalformedPolicy"] += 1
            if expected is not None:
                self.assertTrue(accepted, context)
            if not accepted:
                continue
            self.assertEqual(self.s3.get_bucket_policy(Bucket=BUCKET)["Policy"], text, context)
            answers = {"owner": self.probe(self.s3), "other": self.probe(self.other_s3)}
            if expected is not None:
                self.assertEqual(answers, expected, context)
            else:
                self.assertLessEqual(set(answers.values()), {200, 403}, context)
                self.assertEqual(self.probe(self.other_s3), answers["other"], context)
        elapsed = time.time() - started
        with urllib.request.urlopen(self.server.url + "/_health") as r:
            self.assertEqual(r.status, 200)
        self.assertIsNone(self.server.proc.poll(), "the server must still run")
        print("\n%d policies in %.1f s: %s" % (count, elapsed, json.dumps(stats, sort_keys=True)))


if __name__ == "__main__":
    unittest.main()
