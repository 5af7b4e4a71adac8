"""Demo partner API keys: one per demo partner organisation, with a published fixed value and
every scope, so a newcomer can call the API at once (listed in the README). ``demo_seed``
refuses to run under production settings, so these keys never exist there."""

from accounts.models import Organisation
from api.models import KEY_PREFIX, ApiKey
from api.services import api_key_create
from exchanges.enums import ApiScope

# country -> (prefix, secret); the full key is tlk_<prefix>_<secret>.
DEMO_KEYS = {
    "US": ("demous", "trilink-demo-key-us-not-secret"),
    "JP": ("demojp", "trilink-demo-key-jp-not-secret"),
    "KR": ("demokr", "trilink-demo-key-kr-not-secret"),
}


def demo_api_token(country: str) -> str:
    prefix, secret = DEMO_KEYS[country]
    return f"{KEY_PREFIX}_{prefix}_{secret}"


def seed_demo_api_keys(*, organisations: dict[str, Organisation]) -> int:
    """Create the missing demo keys; returns how many were created."""
    created = 0
    for country, (prefix, secret) in DEMO_KEYS.items():
        if ApiKey.objects.filter(prefix=prefix).exists():
            continue
        api_key_create(
            organisation=organisations[country],
            name="Demo key",
            scopes=list(ApiScope.values),
            fixed_token=(prefix, secret),
        )
        created += 1
    return created
