"""The presence table: range-partitioned by `start`, one partition a week.

Django keeps the model state; the database gets a hand-written partitioned
table, its indexes and a helper function that creates missing partitions.
"""

import django.db.models.deletion
from django.db import migrations, models

CREATE = r"""
CREATE TABLE places_presence (
    person_id integer NOT NULL,
    place_id integer NOT NULL,
    start timestamptz NOT NULL,
    "end" timestamptz NULL,
    source smallint NOT NULL DEFAULT 0,
    CONSTRAINT places_presence_end_after_start CHECK ("end" IS NULL OR "end" >= start),
    PRIMARY KEY (person_id, place_id, start)
) PARTITION BY RANGE (start);
CREATE INDEX places_presence_place_start ON places_presence (place_id, start);
CREATE TABLE places_presence_default PARTITION OF places_presence DEFAULT;

-- Create the weekly partitions (Monday 00:00 UTC) covering [lo, hi].
CREATE OR REPLACE FUNCTION truyvet_ensure_presence_partitions(lo timestamptz, hi timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    wk timestamptz := date_trunc('week', lo AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    made integer := 0;
    name text;
BEGIN
    WHILE wk <= hi LOOP
        name := 'places_presence_' || to_char(wk AT TIME ZONE 'UTC', 'IYYY"w"IW');
        IF to_regclass(name) IS NULL THEN
            EXECUTE format(
                'CREATE TABLE %I PARTITION OF places_presence FOR VALUES FROM (%L) TO (%L)',
                name, wk, wk + interval '7 days');
            made := made + 1;
        END IF;
        wk := wk + interval '7 days';
    END LOOP;
    RETURN made;
END $$;
"""

DROP = """
DROP FUNCTION IF EXISTS truyvet_ensure_presence_partitions(timestamptz, timestamptz);
DROP TABLE IF EXISTS places_presence CASCADE;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0001_initial"),
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(CREATE, DROP)],
            state_operations=[
                migrations.CreateModel(
                    name='Presence',
                    fields=[
                        ('pk', models.CompositePrimaryKey('person_id', 'place_id', 'start', blank=True, editable=False, primary_key=True, serialize=False)),
                        ('start', models.DateTimeField(verbose_name='start')),
                        ('end', models.DateTimeField(blank=True, null=True, verbose_name='end')),
                        ('source', models.SmallIntegerField(choices=[(0, 'Import'), (1, 'Self scan'), (2, 'Guard scan'), (3, 'Time attendance'), (4, 'API')], default=0, verbose_name='source')),
                        ('person', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='registry.person')),
                        ('place', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='places.place')),
                    ],
                    options={
                        'verbose_name': 'presence',
                        'verbose_name_plural': 'presence intervals',
                    },
                ),
            ],
        ),
    ]
