"""Seeing the service: the ``ServiceAlarms``, ``ServiceMonitoring`` and ``TaskCounter`` components and
their rules (alarm definitions, the dashboard, the task counter's Lambda handler). Importing this
package loads no cloud SDK."""
