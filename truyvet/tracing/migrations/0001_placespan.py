"""Keep tracing_placespan (longest explicit stay per place) current.

Statement-level triggers with transition tables cost one aggregate per
INSERT/UPDATE/COPY statement, not per row, so bulk imports stay fast.
"""

from django.db import migrations, models

TRIGGERS = r"""
CREATE OR REPLACE FUNCTION tracing_note_presence_spans() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tracing_placespan (place_id, max_span)
    SELECT place_id, max("end" - start) FROM new_rows
    WHERE "end" IS NOT NULL GROUP BY place_id ORDER BY place_id
    ON CONFLICT (place_id) DO UPDATE SET max_span = EXCLUDED.max_span
    WHERE tracing_placespan.max_span < EXCLUDED.max_span;
    RETURN NULL;
END $$;
CREATE TRIGGER tracing_presence_span_ins AFTER INSERT ON places_presence
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION tracing_note_presence_spans();
CREATE TRIGGER tracing_presence_span_upd AFTER UPDATE ON places_presence
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION tracing_note_presence_spans();
INSERT INTO tracing_placespan (place_id, max_span)
SELECT place_id, max("end" - start) FROM places_presence
WHERE "end" IS NOT NULL GROUP BY place_id
ON CONFLICT (place_id) DO UPDATE SET max_span = EXCLUDED.max_span;
"""

DROP_TRIGGERS = r"""
DROP TRIGGER IF EXISTS tracing_presence_span_ins ON places_presence;
DROP TRIGGER IF EXISTS tracing_presence_span_upd ON places_presence;
DROP FUNCTION IF EXISTS tracing_note_presence_spans();
"""


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("places", "0002_presence"),
    ]

    operations = [
        migrations.CreateModel(
            name="PlaceSpan",
            fields=[
                ("place_id", models.IntegerField(primary_key=True, serialize=False)),
                ("max_span", models.DurationField(verbose_name="longest explicit stay")),
            ],
            options={"verbose_name": "place span", "verbose_name_plural": "place spans"},
        ),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
    ]
