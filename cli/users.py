"""``dsrflow users create``: add a portal user with an argon2 password hash."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from accounts.users import UsernameTakenError, WeakPasswordError, create_user
from database.engine import make_engine, session_scope
from database.migrate import upgrade_to_head
from settings import Settings


def create_portal_user(settings: Settings, username: str, password: str) -> int:
    upgrade_to_head(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    try:
        with session_scope(engine) as session:
            create_user(session, username, password, datetime.now(UTC))
    except (WeakPasswordError, UsernameTakenError) as error:
        sys.stderr.write(f"{error}\n")
        return 2
    except IntegrityError:
        # Two `users create` runs racing past the username check end here.
        sys.stderr.write(f"user {username!r} already exists; choose another username\n")
        return 2
    finally:
        engine.dispose()
    sys.stdout.write(f"created portal user {username}\n")
    return 0
