"""Offline plan: run the program under Pulumi mocks with a stack's config and print what it registers.

    .venv/bin/python tools/plan.py                       # the dev stack: a sorted tree, key inputs, cost
    .venv/bin/python tools/plan.py --stack prod --json   # every input, machine-readable, stable
    .venv/bin/python tools/plan.py --set cpu=2048 --set memory=4096
    .venv/bin/python tools/plan.py --set alarms=true --set 'alarmEmails=["oncall@example.com"]'  # an array: JSON
    .venv/bin/python tools/plan.py --json > /tmp/before.json
    .venv/bin/python tools/plan.py --set desiredCount=3 --diff /tmp/before.json
    .venv/bin/python tools/plan.py --mermaid             # the component tree as a Mermaid graph (GitHub renders it)
    .venv/bin/python tools/plan.py --stack prod --diff tests/program/fixtures/urns/prod.json  # anything replaced?

A diff lists a resource the engine would replace as ``-/+``: its URN is no resource's and no alias's, its
type or AWS names changed, or an input its provider replaces it on changed (``tools/replace_inputs.py``:
``-/+ <urn>  (vpcId: "a" -> "b")``). What every deploy of new code replaces by design is listed apart: a
task definition's ``new revision``, a multi-platform index's ``new build``; an awsx VPC's subnets laid
out anew, ``new layout``. A change AWS would refuse to carry out is ``!! <urn>  (...): why``
(``replace_inputs.refused``: another AZ count that resizes a VPC's subnets; ``rule_priorities``: a listener
rule moved or created onto a priority another rule of its listener held, which ELB refuses in some order the
engine may run the two in; ``ingress_rules``: a security group rule created or modified onto what another
rule of its group held, which EC2 refuses as a duplicate in some order), or could carry out only with an
outage (a shifting strategy's listener rule moved to another listener); a replacement that deletes
the old resource first (pulumi-aws's ``DeleteBeforeReplace``, or the resource's option) says so. A change in
place the deploying role is refused (``tools/deployer_updates.py``: a new permissions boundary) is
``!! <type>  <name>: why`` instead of ``~``. A removed
resource (``-``) the old plan retains on delete says that it stays in AWS; one that takes over an old resource
of another name by its alias is ``~ <type>  <name>  (renamed from <old name>)``, with its input changes.
Against a URN baseline (``tools/urns.py``) only the replacements and refusals show, then ``no replacements``
when there is none.

No AWS credentials, no Pulumi CLI: review a change's effect on resources and cost before a preview.
Output is sorted (components, then their children, by type and name), so two plans can be diffed.
Every config mistake is reported at once, one line per key, with exit status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import json
import re
import shlex
import sys
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tools.venv_guard  # noqa: F401  (first: under another Python, it says how to run this)
from components.errors import ConfigError
from components.stack_files import stack_file
from settings import ENVIRONMENT_IS_PLAIN, KEPT_SECRET_KEYS, KEYS_BY_NAME, plain_in_state
from tools.deployer_updates import refused_update
from tools.ingress_rules import duplicates
from tools.offline import PROJECT, ROOT, Registered, Run, StackFileError, run_program
from tools.replace_inputs import changed, kind, knock_on, refused, rule
from tools.rule_priorities import collisions
from tools.takeovers import claimed_twice, taken_over
from tools.urns import REPLACE, Identities, References, physical_names, replace_values

STACK = "pulumi:pulumi:Stack"
#: A change ``pulumi up`` cannot carry out (AWS refuses what it does), or not without an outage the plan
#: cannot rule out offline: said first on its line.
CANNOT = "!!"
#: Why a URN two resources claim (by URN or alias) stops the update (takeovers.claimed_twice).
CLAIMED_TWICE = "claimed by two resources (a URN or an alias): the engine refuses the program (a duplicate alias)"
#: Said of a replacement whose old resource is deleted before the new one is created (the provider's
#: ``DeleteBeforeReplace``, or the resource's ``delete_before_replace`` option): for a while there is none.
DELETED_FIRST = "  [deleted before its replacement is created]"
#: Said of a resource the program no longer registers that the old state retains on delete
#: (``retain_on_delete``): the engine drops it from the state and AWS keeps it, to delete by hand.
STAYS = "  [stays in AWS: retained on delete]"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
# The inputs a reviewer cares about, per resource type; --json prints all of them.
KEY_INPUTS: dict[str, tuple[str, ...]] = {
    "aws:ecr/repository:Repository": ("imageTagMutability", "imageTagMutabilityExclusionFilters", "forceDelete"),
    "docker-build:index:Image": ("platforms", "tags", "dockerfile", "push", "buildOnPreview", "cacheTo"),
    "docker-build:index:Index": ("tag",),
    "aws:ecs/cluster:Cluster": ("settings",),
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": ("capacityProviders",),
    TASK: ("cpu", "memory", "runtimePlatform"),
    "aws:ssm/parameter:Parameter": ("name", "type", "value"),
    "aws:ecs/service:Service": (
        "desiredCount",
        "capacityProviderStrategies",
        "platformVersion",
        "launchType",
        "alarms",
    ),
    "aws:cloudwatch/logGroup:LogGroup": ("retentionInDays",),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (
        "fromPort",
        "cidrIpv4",
        "cidrIpv6",
        "referencedSecurityGroupId",
    ),
    "aws:lb/loadBalancer:LoadBalancer": ("ipAddressType", "idleTimeout"),
    "aws:lb/targetGroup:TargetGroup": ("port", "deregistrationDelay"),
    "aws:lb/listener:Listener": ("port", "protocol"),
    "aws:lb/listenerRule:ListenerRule": ("priority", "conditions"),
    "awsx:ec2:Vpc": ("cidrBlock", "natGateways"),
    "aws:appautoscaling/target:Target": ("minCapacity", "maxCapacity"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("metricName", "threshold", "evaluationPeriods"),
    "aws:appautoscaling/policy:Policy": ("targetTrackingScalingPolicyConfiguration",),
    "aws:appautoscaling/scheduledAction:ScheduledAction": ("schedule", "timezone", "scalableTargetAction"),
}


class PlanError(Exception):
    """A mistake in how the plan was asked for (not in the config): printed as one line, exit 2."""


def _tidy(value: Any) -> Any:
    # The engine's wire format carries every number as a float: show 3000, not 3000.0.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    return value


SECRET = "[secret]"


def _inputs(resource: Registered) -> dict[str, Any]:
    """The inputs as a plan shows them: a value that reached the engine as a secret is never printed."""
    return {k: SECRET if k in resource.secret_inputs else _tidy(v) for k, v in resource.inputs.items()}


def _summary(resource: Registered) -> dict[str, Any]:
    keys = KEY_INPUTS.get(resource.type, ())
    inputs = _inputs(resource)
    return {k: inputs[k] for k in keys if k in inputs}


def _containers(resource: Registered) -> list[dict[str, Any]]:
    return json.loads(resource.inputs.get("containerDefinitions") or "[]")


def _sort_key(resource: Registered) -> tuple[str, str]:
    return resource.type, resource.name


def _tree(run: Run) -> Iterator[tuple[int, Registered]]:
    """Every resource with its depth: top-level ones sorted, each followed by its children, sorted."""
    by_urn = {r.urn: r for r in run.mocks.resources}
    children: dict[str, list[Registered]] = {}
    for resource in run.mocks.resources:
        parent = resource.parent if resource.parent in by_urn else ""
        children.setdefault(parent, []).append(resource)

    def walk(urn: str, depth: int) -> Iterator[tuple[int, Registered]]:
        for resource in sorted(children.get(urn, []), key=_sort_key):
            yield depth, resource
            # A read resource (a StackReference) has no URN, and no children: "" is the top.
            if resource.urn:
                yield from walk(resource.urn, depth + 1)

    yield from walk("", 0)


def _parent_name(run: Run, resource: Registered) -> str:
    parents = [r.name for r in run.mocks.resources if r.urn == resource.parent]
    return parents[0] if parents else ""


def document(run: Run, stack: str, known: Collection[str] = ()) -> dict[str, Any]:
    """The ``--json`` plan: every resource (sorted as the tree), its parent, URN, aliases, AWS names,
    replace-on-change inputs (a made value named by its resource's URN, or by its alias in ``known``) and
    all inputs, and the outputs."""
    identities = Identities(run)
    references = References(run, identities, known)
    return {
        "stack": stack,
        "resources": [
            {
                "type": r.type,
                "name": r.name,
                "parent": _parent_name(run, r),
                "urn": identities.urn(r) if r.urn else "",
                "aliases": sorted(identities.aliases(r)) if r.urn else [],
                "physical": physical_names(r, references),
                REPLACE: replace_values(r, references) if r.urn else {},
                "ignoreChanges": sorted(r.ignore_changes),
                "deleteBeforeReplace": r.delete_before_replace,
                "retainOnDelete": r.retain_on_delete,
                "inputs": _inputs(r),
            }
            for _, r in _tree(run)
        ],
        "outputs": run.outputs,
    }


def jsonable(value: Any) -> Any:
    """An input JSON has no form for, as ``--json`` writes it: an asset by its content's sha256 (a file's by its
    path too), an archive by its members' names, so that two plans of the same code are the same text.
    Anything else by ``str``."""
    import pulumi  # here: the venv guard runs before any SDK is imported

    if isinstance(value, pulumi.AssetArchive):
        return {"archive": {name: jsonable(member) for name, member in sorted(value.assets.items())}}
    if isinstance(value, pulumi.StringAsset):
        return {"sha256": hashlib.sha256(value.text.encode()).hexdigest()}
    if isinstance(value, pulumi.FileAsset):
        return {"path": str(value.path), "sha256": hashlib.sha256(Path(value.path).read_bytes()).hexdigest()}
    if isinstance(value, (pulumi.FileArchive, pulumi.RemoteAsset, pulumi.RemoteArchive)):
        return {"path": str(getattr(value, "path", "") or getattr(value, "uri", ""))}
    return str(value)


def text(run: Run, stack: str) -> list[str]:
    """The human plan: the tree with key inputs, each container's environment, and the cost."""
    lines = [f"stack {stack}: {len(run.mocks.resources)} resources"]
    for depth, resource in _tree(run):
        summary = _summary(resource)
        details = "  " + json.dumps(summary, separators=(",", ":"), sort_keys=True) if summary else ""
        indent = "  " * (depth + 1)
        lines.append(f"{indent}{resource.type}  {resource.name}{details}")
        if resource.type == TASK:
            for container in _containers(resource):
                if container.get("readonlyRootFilesystem") is False:
                    lines.append(f"{indent}    note: ECS Exec is on, so the root filesystem is writable")
                for item in sorted(container.get("environment", []), key=lambda e: e["name"]):
                    lines.append(f"{indent}    env {item['name']}={item['value']}")
                # Secrets by name only: their values never reach a plan.
                for item in sorted(container.get("secrets", []), key=lambda e: e["name"]):
                    lines.append(f"{indent}    secret {item['name']} (from {item['valueFrom']})")
    lines += cost_lines(run.outputs["cost_estimate"])
    if "deployment" in run.outputs:
        peak = run.outputs["deployment"]
        # A rolling deployment's overlap lasts until each new task is healthy: no allowance to price it by.
        overlap = (
            f"for {peak['overlap_minutes']} min: ${peak['extra_usd_per_deployment']:.2f} a deployment"
            if peak["overlap_minutes"]
            else "until the new tasks are healthy: not priced"
        )
        # Service Quotas counts each provider's vCPU apart (components/deployment_cost.py).
        on_demand = f"{peak['peak_on_demand']:g} on FARGATE: {peak['peak_on_demand_vcpu']:g} vCPU"
        spot = f"{peak['peak_spot']:g} on FARGATE_SPOT: {peak['peak_spot_vcpu']:g} vCPU"
        lines += [
            f"deployment: {peak['strategy']}",
            f"  peak {peak['peak_tasks']} tasks ({on_demand}, {spot}) {overlap}",
        ]
    return lines


def counted(quantity: float, unit: str) -> str:
    """``1 task``, ``2 tasks``: a unit the bill writes plural (``tasks``, ``addresses``, ``custom
    metrics``), singular for one."""
    if quantity == 1 and unit.endswith("s"):
        unit = unit[:-2] if unit.endswith("sses") else unit[:-1]
    return f"{quantity:g} {unit}"


def cost_lines(cost: dict[str, Any]) -> list[str]:
    """The month's bill line by line, what each quantity is made of (its assumed part said beside it),
    the total, what it includes and leaves out, compute's savings step by step, and the warnings."""
    lines = [f"cost per month ({cost['rates_region']} rates as of {cost['rates_as_of']}, {cost['hours_per_month']} h):"]
    for line in cost["lines"]:
        note = f" ({line['note']})" if line["note"] else ""
        lines.append(f"  {line['item']}: {counted(line['quantity'], line['unit'])}{note}  ${line['monthly_usd']:.2f}")
    return [
        *lines,
        f"  total  ${cost['total_monthly_usd']:.2f}",
        f"  included: {cost['included']}",
        f"  not included: {cost['not_included']}",
        # Each saving against the step before it: Graviton is not credited with Spot's discount.
        f"  compute: x86 on-demand ${cost['x86_on_demand_monthly_usd']:.2f} -> Graviton on-demand "
        f"${cost['arm_on_demand_monthly_usd']:.2f} ({cost['graviton_saving_percent']:.1f}% less) -> Graviton as "
        f"placed, with Spot ${cost['monthly_usd']:.2f} ({cost['spot_saving_percent']:.1f}% less again)",
        f"  the same stack with x86 on-demand compute  ${cost['x86_on_demand_total_monthly_usd']:.2f}",
        "  assumed: " + "; ".join(cost["assumptions"]),
        *(f"  warning: {warning}" for warning in cost["warnings"]),
    ]


def _flatten(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Leaf values by path (``a.b[0]``); JSON held in a string (container definitions) is opened too."""
    if isinstance(value, str) and value[:1] in "[{":
        with contextlib.suppress(json.JSONDecodeError):
            value = json.loads(value)
    if isinstance(value, dict):
        for key in sorted(value):
            yield from _flatten(value[key], f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        if value and all(isinstance(v, dict) and "name" in v and "value" in v for v in value):
            # name/value lists (a container's environment) diff by name, not by position.
            for item in sorted(value, key=lambda v: v["name"]):
                yield f"{path}.{item['name']}", item["value"]
        else:
            for index, item in enumerate(value):
                yield from _flatten(item, f"{path}[{index}]")
    else:
        yield path, value


def _changes(changes: list[tuple[str, Any, Any]]) -> str:
    """Changed replace-on-change inputs, leaf by leaf: ``vpcId: "a" -> "b"``."""
    leaves = []
    for path, was, now in changes:
        old, new = dict(_flatten(was, path)), dict(_flatten(now, path))
        leaves += [
            f"{leaf}: {json.dumps(_tidy(old.get(leaf)))} -> {json.dumps(_tidy(new.get(leaf)))}"
            for leaf in sorted(old.keys() | new.keys())
            if old.get(leaf) != new.get(leaf)
        ]
    return ", ".join(leaves)


def answering_of(resource: dict[str, Any], recorded: Collection[str]) -> set[str]:
    """The ``recorded`` URNs a resource of a ``--json`` plan answers: its own and its aliases'."""
    return {resource.get("urn", ""), *resource.get("aliases", [])} & set(recorded)


def replacements(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Resources of ``before`` the engine would replace (``-/+``): no resource of ``after`` has their URN or
    names it as an alias, the one that does answers another recorded URN too, has another type or other
    AWS names, or it changes an input its provider replaces it on, or such an input takes an output of a
    replaced resource (``knock-on``). A task definition whose inputs change is a ``new revision`` instead; a
    change AWS refuses to carry out (``replace_inputs.refused``) is ``!!``, with why."""
    recorded = {resource.get("urn", "") for resource in before["resources"]} - {""}
    answering: dict[str, list[dict[str, Any]]] = {}
    for resource in after["resources"]:
        for urn in answering_of(resource, recorded):
            answering.setdefault(urn, []).append(resource)
    lines: list[str] = []
    kept: dict[str, tuple[str, dict[str, Any]]] = {}
    for old in before["resources"]:
        if not old.get("urn"):
            continue
        found = answering.get(old["urn"], [])
        # The engine takes over the first old resource a new one answers (its URN, then its aliases) and
        # deletes the others: any of them may be the one lost.
        if len(found) == 1 and len(shared := answering_of(found[0], recorded)) > 1:
            lines.append(f"-/+ {old['urn']}  ({found[0]['urn']} answers {len(shared)} recorded URNs)")
        elif len(found) != 1 or (found[0]["type"], found[0]["physical"]) != (old["type"], old["physical"]):
            lines.append(f"-/+ {old['urn']}  (answered by {len(found)}: " + ", ".join(r["urn"] for r in found) + ")")
        else:
            new = found[0].get(REPLACE, {})
            replaces = rule(old["type"], PROJECT)
            # An ignored input keeps the state's value: its change replaces nothing.
            ignored = set(found[0].get("ignoreChanges", []))
            changes = [c for c in changed(old[REPLACE], new, replaces) if c[0] not in ignored] if REPLACE in old else []
            verdict = kind(replaces, [path for path, _, _ in changes])
            # What ECS changes live, the old resource's ignored inputs say (a URN baseline has none: the new one's).
            weights = old.get("ignoreChanges", found[0].get("ignoreChanges", []))
            reason = refused(old["type"], old[REPLACE], new, ignore_changes=weights) if changes else ""
            first = verdict == "-/+" and (found[0].get("deleteBeforeReplace") or (replaces and replaces.delete_first))
            if changes:
                line = f"{CANNOT if reason else verdict} {old['urn']}  ({_changes(changes)})"
                lines.append(line + (DELETED_FIRST if first else "") + _why(reason))
            if not changes or verdict != "-/+":
                kept[old["urn"]] = (old["type"], new)
    for urn, (path, source) in sorted(knock_on(kept, recorded - kept.keys(), PROJECT).items()):
        reason = refused(kept[urn][0], {}, {}, [path])
        verdict = CANNOT if reason else kind(rule(kept[urn][0], PROJECT), [path])
        lines.append(f"{verdict} {urn}  (knock-on: {path} takes an output of {source})" + _why(reason))
    return lines


def _why(reason: str) -> str:
    return f": {reason}" if reason else ""


def ignored(path: str, ignore_changes: Collection[str]) -> bool:
    """Whether the leaf at ``path`` (``a.b[0].c``) lies under one of the ``ignore_changes`` paths."""
    return any(path == ignore or path.startswith((f"{ignore}.", f"{ignore}[")) for ignore in ignore_changes)


def _key(resource: Mapping[str, Any]) -> tuple[str, str]:
    return resource["type"], resource["name"]


def renames(before: dict[str, Any], after: dict[str, Any]) -> dict[tuple[str, str], tuple[str, str]]:
    """The (type, name) of each resource of ``after`` that takes over one of ``before`` of another name, and that
    one's: a rename in the state (its alias names the old URN), nothing in AWS unless its inputs change."""
    takes = taken_over(before, after)
    return {
        _key(r): _key(was)
        for r in after["resources"]
        if (was := takes.get(r.get("urn", ""))) is not None and was["type"] == r["type"] and _key(was) != _key(r)
    }


def _updated(
    key: tuple[str, str], old: dict[str, Any], new: dict[str, Any], ignoring: Collection[str], renamed_from: str
) -> list[str]:
    """``~`` (or ``!!``, a change the deploying role is refused) and each changed input of a resource kept in
    the state; a rename alone is a change of the state's, nothing in AWS."""
    was, now = dict(_flatten(old)), dict(_flatten(new))
    changes = [p for p in sorted(was.keys() | now.keys()) if was.get(p) != now.get(p)]
    if not changes and not renamed_from:
        return []
    refusal = refused_update(key[0], [p for p in changes if not ignored(p, ignoring)])
    note = f"  (renamed from {renamed_from})" if renamed_from else ""
    lines = [f"{CANNOT} {key[0]}  {key[1]}{note}: {refusal}" if refusal else f"~ {key[0]}  {key[1]}{note}"]
    for path in changes:
        # The engine sends the deployed value of an ignored input (ResourceOptions.ignore_changes).
        kept = "  (ignored: the stack keeps its value)" if ignored(path, ignoring) else ""
        lines.append(f"    {path}: {json.dumps(was.get(path))} -> {json.dumps(now.get(path))}{kept}")
    return lines


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What changes between two ``--json`` plans: resources replaced (-/+) or given a new revision, listener
    rules ELB may refuse a priority and ingress rules EC2 may refuse as duplicates (!!), added (+), removed
    (-: a retained one stays in AWS) and changed (~; one an alias hands another name's state: renamed from).
    Against a URN baseline (``tools/urns.py``: no inputs recorded), only the replacements and new revisions,
    then ``no replacements`` if there is none."""
    if before["resources"] and "inputs" not in before["resources"][0]:
        lines = replacements(before, after)
        return lines if any(line.startswith(("-/+", CANNOT)) for line in lines) else [*lines, "no replacements"]

    def index(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
        return {_key(r): r["inputs"] for r in doc["resources"]}

    old, new, renamed = index(before), index(after), renames(before, after)
    retained = {_key(r) for r in before["resources"] if r.get("retainOnDelete")}
    ignoring = {_key(r): r.get("ignoreChanges", []) for r in after["resources"]}
    # What no resource answers and none registers under its name is deleted: its "-" says so, not a "-/+".
    gone = {
        f"-/+ {r['urn']}  (answered by 0: )"
        for r in before["resources"]
        if _key(r) not in new.keys() | renamed.values()
    }
    lines: list[str] = [line for line in replacements(before, after) if line not in gone] + [
        f"{CANNOT} {line}" for line in [*collisions(before, after), *duplicates(before, after)]
    ]
    lines += [f"{CANNOT} {urn}: {CLAIMED_TWICE}" for urn in claimed_twice(after)]
    for key in sorted(new.keys() | (old.keys() - renamed.values())):
        was_key = renamed.get(key, key)
        if was_key not in old:
            lines.append(f"+ {key[0]}  {key[1]}")
        elif key not in new:
            lines.append(f"- {key[0]}  {key[1]}" + (STAYS if key in retained else ""))
        else:
            lines += _updated(key, old[was_key], new[key], ignoring[key], was_key[1] if was_key != key else "")
    was_out, now_out = dict(_flatten(before.get("outputs", {}))), dict(_flatten(after.get("outputs", {})))
    for path in sorted(was_out.keys() | now_out.keys()):
        if was_out.get(path) != now_out.get(path):
            lines.append(f"~ output {path}: {json.dumps(was_out.get(path))} -> {json.dumps(now_out.get(path))}")
    return lines or ["no changes"]


def mermaid(run: Run) -> list[str]:
    """The component tree as Mermaid ``graph``: components and what they create."""

    def node(resource: Registered) -> str:
        return re.sub(r"[^A-Za-z0-9_]", "_", f"{resource.type}_{resource.name}")

    lines = ["graph LR"]
    for _, resource in _tree(run):
        label = f"{resource.name}<br/>{resource.type.split(':')[-1]}"
        lines.append(f'  {node(resource)}["{label}"]')
    by_urn = {r.urn: r for r in run.mocks.resources}
    for _, resource in _tree(run):
        parent = by_urn.get(resource.parent)
        if parent is not None:
            lines.append(f"  {node(parent)} --> {node(resource)}")
    return lines


def set_items(items: Sequence[str]) -> dict[str, str]:
    """The ``--set`` ``items`` as key -> value, the key as given (``cpu``, ``aws:region``)."""
    overrides: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise PlanError(f"--set takes KEY=VALUE (e.g. --set cpu=2048), got {item!r}")
        overrides[key] = value
    return overrides


def stacks(root: Path | None = None) -> list[str]:
    """The stacks of ``root`` (this project's) with a config file where the CLI reads them: beside Pulumi.yaml,
    or in its ``stackConfigDir`` (``stack_files.stack_file``)."""
    folder = stack_file(root or ROOT, "any").parent
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in folder.glob("Pulumi.*.yaml"))


def stack_run(stack: str, items: list[str]) -> Run:
    """The program run offline for ``stack`` with the ``--set`` ``items``; a PlanError or ConfigError
    names what is wrong (``report`` prints it), before anything runs where it can."""
    overrides = set_items(items)
    if stack not in (known := stacks()):
        where = stack_file(ROOT, stack).relative_to(ROOT)
        raise PlanError(f"no stack {stack!r}: {where} not found (stacks: " + ", ".join(known) + ")")
    # A --set of a key the program keeps secret stands for `pulumi config set --secret`: offline, nothing else
    # can. The stack file's own value is secret only if encrypted (`secure:`), as preview and up read it.
    given = sorted({name for key in overrides if (name := key.rpartition(":")[2]) in KEPT_SECRET_KEYS})
    return run_program(stack, overrides, root=ROOT, secret_keys=given)


#: How ``--set`` takes a value, for ``--help`` (plan.py and run_local.py).
SET_HELP = (
    "override a config key of the stack file: KEY=VALUE in the project's namespace, NAMESPACE:KEY=VALUE in "
    "another's (--set aws:region=eu-west-1); a boolean is true or false; an array is JSON, quoted for the shell "
    """(--set alarms=true --set 'alarmEmails=["a@example.com","b@example.com"]'); repeat --set for more keys"""
)
#: The hint a config error gives ``pulumi`` users for an array key (settings.py, ``_Reader.array``).
_PULUMI_ARRAY_HINT = re.compile(r"set one item with: pulumi config set (?:--secret )?--path '(\w+)\[0\]' (.*)$")
#: The hint of an encrypted key that refuses its offline stand-in (``stack_files.with_stack_config``).
_STAND_IN_HINT = re.compile(r"which (\S+) does not take; give your own value in its place$")


def for_set(message: str, stack: str = "", items: Sequence[str] = ()) -> str:
    """A config error's hint in this command's terms: ``--set`` for a key given with ``--set`` (``items``),
    a YAML list in the stack's file for one the file sets, not ``pulumi config set``; ``--set`` for a value
    in place of an encrypted one."""
    given = {item.partition("=")[0] for item in items}

    def hint(m: re.Match[str]) -> str:
        if m[1] in given or not stack:
            return "set it with: --set " + shlex.quote(f"{m[1]}={json.dumps([m[2]])}")
        return f"write it in Pulumi.{stack}.yaml as a YAML list: {PROJECT}:{m[1]}: [{json.dumps(m[2])}]"

    message = _STAND_IN_HINT.sub(lambda m: f"{m[0]} (--set {m[1]}=...)", message)
    return _PULUMI_ARRAY_HINT.sub(hint, message)


def report(error: ConfigError | PlanError | StackFileError, stack: str = "", items: Sequence[str] = ()) -> int:
    """Print each mistake on a line of its own, hints in the terms of the ``--set`` ``items`` and the
    ``stack``'s file; the exit status of a command given a mistake."""
    if isinstance(error, StackFileError):
        lines = list(error.lines)
    elif isinstance(error, ConfigError):
        lines = [str(one) for one in error.errors]
    else:
        lines = [str(error)]
    for line in lines:
        print(f"error: {for_set(kept_plain(line, lines, stack), stack, items)}", file=sys.stderr)
    return 2


def kept_plain(line: str, lines: Sequence[str], stack: str) -> str:
    """The stand-in hint of an encrypted key the program refuses to read encrypted (settings.py ``_secrecy``)
    as how to store it in plain text: ``--set`` cannot help, as the file's ``secure:`` keeps it secret."""
    m = _STAND_IN_HINT.search(line)
    # Each refusal is known by its opening words: a part of a secret value may stand hidden further on
    # (errors.redact hides a quoted part wherever it shows, "info" in "information" too).
    refusals = [text[:40] for text in (plain_in_state(m[1]), ENVIRONMENT_IS_PLAIN)] if m else []
    if not m or not any(f"config {m[1]!r}:" in one and any(r in one for r in refusals) for one in lines):
        return line
    # A list's items are set one by one (--path): Pulumi refuses a string for a key typed array<string>, and
    # which items are encrypted is the file's to say.
    listed = KEYS_BY_NAME[m[1]].type == "array"
    key = f"--path '{m[1]}[N]'" if listed else m[1]
    each = ", for each item N the file holds encrypted (secure:)" if listed else ""
    where = f" --stack {stack}" if stack else ""
    return (
        f"Pulumi.{stack or '<stack>'}.yaml: {m[1]} is encrypted, which the program refuses: store it in plain "
        f"text with: pulumi config set{where} {key} VALUE (without --secret){each}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", default="dev", help="stack whose Pulumi.<stack>.yaml to use (default: dev)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help=SET_HELP)
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true", help="resources with all inputs, and the outputs, as JSON")
    shown.add_argument("--diff", metavar="BEFORE.json", help="what changes against a plan saved with --json")
    shown.add_argument("--mermaid", action="store_true", help="the component tree as a Mermaid graph")
    options = parser.parse_args(argv)
    try:
        before = _load(options.diff) if options.diff else None
        run = stack_run(options.stack, options.set)
    except (ConfigError, PlanError, StackFileError) as error:
        return report(error, options.stack, options.set)
    # The program's warnings, as pulumi up shows them (the placeholders it would refuse, among them).
    for warning in run.mocks.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    # The SDKs' type graph makes interpreter shutdown spend ~0.4 s collecting garbage a one-shot
    # command never needs collected.
    gc.freeze()
    if options.json:
        print(json.dumps(document(run, options.stack), indent=2, sort_keys=True, default=jsonable))
    elif before is not None:
        # The old plan's URNs, and the invokes it named made values by (``References``).
        labels = set(re.findall(r'"call:([^#"]+)#', json.dumps(before)))
        known = [resource.get("urn", "") for resource in before["resources"]] + [f"call:{t}" for t in labels]
        after = json.loads(json.dumps(document(run, options.stack, known), sort_keys=True, default=jsonable))
        print("\n".join(diff(before, after)))
    elif options.mermaid:
        print("\n".join(mermaid(run)))
    else:
        print("\n".join(text(run, options.stack)))
    return 0


def _load(path: str) -> dict[str, Any]:
    try:
        loaded = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise PlanError(f"--diff needs a plan saved with --json: {path}: {error}") from None
    if not isinstance(loaded, dict) or "resources" not in loaded:
        raise PlanError(f"--diff needs a plan saved with --json: {path} has no resources")
    return loaded


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
