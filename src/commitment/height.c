/* ibc Height helpers (lcp/commitment.h). */
#include "lcp/commitment.h"

int lcp_height_is_zero(const lcp_height *h) { return h->revision_number == 0 && h->revision_height == 0; }

int lcp_height_cmp(const lcp_height *a, const lcp_height *b)
{
    if (a->revision_number != b->revision_number) return a->revision_number < b->revision_number ? -1 : 1;
    if (a->revision_height != b->revision_height) return a->revision_height < b->revision_height ? -1 : 1;
    return 0;
}
