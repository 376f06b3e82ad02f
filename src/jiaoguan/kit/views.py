"""What the rooms' view dataclasses need to be JSON response models as they are (docs/DECISIONS.md, "One
declaration per shape")."""

from __future__ import annotations

from pydantic import ConfigDict

#: For `@with_config(...)` on a view with defaulted fields: the JSON always carries them (as null or []), so the
#: OpenAPI schema says they are required; without it a client generator would type them optional.
REQUIRED_IN_JSON = ConfigDict(json_schema_serialization_defaults_required=True)
