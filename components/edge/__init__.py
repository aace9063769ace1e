"""What faces the internet: the ``LoadBalancer`` component (ALB, listeners, HTTPS with ``HttpsDomain``,
access logs), a service's ``ServiceRoute`` (target group, listener rule, security-group rule pair and
the route's alarms), and their rules (ELB names, domains, log delivery). Importing this package loads
no cloud SDK."""
