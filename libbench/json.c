/* json.c -- JSON parsing through cJSON with the place of a syntax error. */
#include "internal.h"

#include <cjson/cJSON.h>
#include <string.h>

struct cJSON *json_parse(const char **data, size_t *len, long *line, long *column)
{
    if (*len >= 3 && memcmp(*data, "\xEF\xBB\xBF", 3) == 0) {
        *data += 3;
        *len -= 3;
    }
    *line = 1;
    *column = 1;
    if (!*len)
        return NULL;
    /* cJSON_ParseWithLengthOpts keeps the error position in its end pointer
     * (its global error pointer is not thread-safe, so it is not used) */
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(*data, *len, &end, 0);
    if (root) {
        /* only white space may follow the value */
        const char *p = end ? end : *data + *len;
        while (p < *data + *len && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
            p++;
        if (p == *data + *len)
            return root;
        cJSON_Delete(root);
        end = p;
    }
    size_t offset = end && end >= *data && end <= *data + *len ? (size_t)(end - *data) : *len;
    for (size_t i = 0; i < offset; i++) {
        if ((*data)[i] == '\n') {
            (*line)++;
            *column = 1;
        } else if (((unsigned char)(*data)[i] & 0xC0) != 0x80) {
            (*column)++;
        }
    }
    return NULL;
}
