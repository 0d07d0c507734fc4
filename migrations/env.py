"""Alembic environment: migrate the database of the current Flask app.

Alembic runs this file to migrate; ``include_object`` is also imported on its
own (``from migrations.env import include_object``) by the test comparing
the models with the migrations, so the migration run itself only starts when
Alembic is the one loading the file.
"""

import logging
from logging.config import fileConfig
from typing import Any

from alembic import context
from flask import current_app

logger = logging.getLogger("alembic.env")

#: Indexes whose names end so are PostgreSQL's trigram search indexes (migration 0010).
SEARCH_INDEX_SUFFIX = "_trgm"
#: SQLite's FTS5 table of people's names (migration 0021) and its shadow tables' prefix.
SEARCH_TABLE = "user_search"


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic's filter for comparing the models with a database: skip the search indexes.

    They exist on PostgreSQL only (SQLite has no trigram indexes), so the
    models leave them out and autogenerate must not offer to drop them; so is
    SQLite's own (FTS5 table ``user_search`` and the tables FTS5 keeps for it).
    """
    name = name or ""
    if (
        type_ == "table"
        and reflected
        and (name == SEARCH_TABLE or name.startswith(SEARCH_TABLE + "_"))
    ):
        return False  # SQLite's full-text index of people (migration 0021)
    return not (type_ == "index" and reflected and name.endswith(SEARCH_INDEX_SUFFIX))


def run_migrations_offline(config: Any, target_db: Any) -> None:
    """Write the SQL of the migrations instead of running them."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_db.metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online(config: Any, target_db: Any) -> None:
    """Run the migrations against the app's engine."""

    def process_revision_directives(context: Any, revision: Any, directives: Any) -> None:
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    # PostgreSQL's trigram search indexes are not in the models (SQLite has none).
    conf_args.setdefault("include_object", include_object)
    with target_db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_db.metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()


def run() -> None:
    """Migrate the current app's database, online or offline as Alembic was asked."""
    config = context.config
    # Keep the app's loggers: Alembic's default would silence them.
    fileConfig(config.config_file_name, disable_existing_loggers=False)
    target_db = current_app.extensions["migrate"].db
    config.set_main_option(
        "sqlalchemy.url",
        target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%"),
    )
    if context.is_offline_mode():
        run_migrations_offline(config, target_db)
    else:
        run_migrations_online(config, target_db)


# Alembic sets ``context.config`` before it loads this file; a plain import has none.
if hasattr(context, "config"):
    run()
