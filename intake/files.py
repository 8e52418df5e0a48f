"""The upload checks moved to ``reports.uploads`` (council's documents use them too, and a
process app may not import another). Kept so branches written against the old path still
import; new code imports ``reports.uploads``."""
from reports.uploads import (  # noqa: F401
    ALLOWED_EXTENSIONS,
    CONTENT_TYPES,
    MAX_EXPANDED_MB,
    MAX_MEMBERS,
    ArchiveTooLarge,
    attachment_extension_check,
    attachment_type_check,
    extension_of,
    megabytes,
    size_display,
    zip_limits_check,
)
