"""The policy pack runs with its own directory on sys.path (as the Pulumi engine runs it)."""

import sys
from pathlib import Path

POLICY_DIR = Path(__file__).resolve().parents[2] / "policy"
sys.path.insert(0, str(POLICY_DIR))
