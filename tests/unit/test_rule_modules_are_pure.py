"""AWS rules live in modules that never import pulumi, so they stay fast and testable alone."""

import subprocess
import sys
from pathlib import Path

RULE_MODULES = [
    "alarm_rules", "alb_rules", "app_contract", "autoscaling_rules", "build_tag", "capacity_strategy",
    "container_definition", "cost", "dashboard", "domain", "ecr_lifecycle", "elb_log_delivery", "env_tuning",
    "errors", "fargate_sizing", "iam_policies", "secrets", "service_spec", "task_counter_handler", "validation",
]  # fmt: skip


def test_rule_modules_load_without_pulumi() -> None:
    imports = "; ".join(f"import components.{module}" for module in RULE_MODULES)
    check = f"import sys; {imports}; print(sorted(m for m in sys.modules if m.startswith('pulumi')))"
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
