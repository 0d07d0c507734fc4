"""Background work on a job engine (Huey): bulk exports, e-mail, reminders, digests, time-stamps.

``engine`` names the queue (SQLite file by default, Redis for several
machines), ``tasks`` the jobs and their schedule, ``worker`` the
``flask worker`` command with its heartbeat and the sweep that puts back the
work of a worker that died, ``health`` the admin page's line. No job runs in
a web request: the web app only queues messages.
"""
