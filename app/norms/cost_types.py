"""The kinds of skäliga kostnader and of income a norm calculation takes (key: Swedish label).

Their own module, apart from the calculation (app.norms.norm_calculation, which uses them):
the command line's parser names them in its help at every start, `arendestod stats` too,
and the calculation's imports (jobbstimulans, deadlines, the ORM models) are not needed for
that (issue 21).
"""

from __future__ import annotations

COST_TYPES: dict[str, str] = {
    "boende": "Boende",
    "hushallsel": "Hushållsel",
    "arbetsresor": "Arbetsresor",
    "hemforsakring": "Hemförsäkring",
    "fackforening_akassa": "Fackförening och a-kassa",
    "barnomsorg": "Barnomsorg",
    "lakarvard_medicin": "Läkarvård och medicin",
    "ovrigt": "Övrigt",
}

INCOME_TYPES: dict[str, str] = {
    "lon": "Lön",
    "a_kassa": "A-kassa",
    "sjukpenning": "Sjukpenning",
    "foraldrapenning": "Föräldrapenning",
    "barnbidrag": "Barnbidrag",
    "underhallsstod": "Underhållsstöd",
    "bostadsbidrag": "Bostadsbidrag",
    "aktivitetsstod": "Aktivitetsstöd",
    "pension": "Pension",
    "ovrigt": "Övrig inkomst",
}
