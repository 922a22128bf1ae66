/* text.c -- text helpers every reader shares: trimming, UTF-8 and byte-order checks. */
#include "internal.h"

#include <stdio.h>

void trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

bool utf8_valid_text(const char *s, size_t len) { return utf8_valid(s, len, false); }
bool utf8_valid_multiline(const char *s, size_t len) { return utf8_valid(s, len, true); }

bool utf16_bom(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    return len >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF));
}

bool utf8_valid(const char *s, size_t len, bool newlines)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        if (c < 0x80) {
            if ((c < 0x20 && !(newlines && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7f)
                return false;
            i++;
            continue;
        }
        size_t n;
        uint32_t cp;
        if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
        } else
            return false;
        if (i + n >= len)
            return false;
        for (size_t j = 1; j <= n; j++) {
            if ((p[i + j] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i + j] & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFEFF)
            return false;
        i += n + 1;
    }
    return true;
}

/* Back from `end` to the start of the UTF-8 character that holds it. */
static size_t char_start(const char *s, size_t end)
{
    while (end > 0 && ((unsigned char)s[end] & 0xC0) == 0x80)
        end--;
    return end;
}

bool text_format(char *buf, size_t size, const char *fmt, ...)
{
    if (!size)
        return false;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    if (n < 0) {
        buf[0] = '\0';
        return false;
    }
    if ((size_t)n < size)
        return true;
    buf[char_start(buf, size - 1)] = '\0'; /* cut at a character, not inside one */
    return false;
}
