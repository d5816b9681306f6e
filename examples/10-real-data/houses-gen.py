#!/usr/bin/env python3
"""Generates houses-train.csv (sales 1-900) and houses-test.csv (901-1200), the table of
examples/10-real-data (seed 10, deterministic).

Each row is a house sale: an id, the district (text), the floor area in square feet (written
with a thousands separator, in quotes, from 1,000), the number of rooms, the year built, the
distance to the centre in km, a free-text note, and the price band (cheap, mid or dear). About one
value in twelve of area, rooms, year and distance is missing, written empty, NA or ?.
The band follows the price, which grows with area and rooms, falls with age and distance, and
depends on the district; noise makes about one sale in ten cross a band border.
"""
import random

random.seed(10)
DISTRICTS = {"Harbour": 1.35, "Old Town": 1.2, "Riverside": 1.0, "Hills": 0.9, "Airport": 0.75}
NOTES = ["renovated, new kitchen", "needs work", "corner plot, \"quiet\"", "garden", ""]
rows = []
for i in range(1, 1201):
    district = random.choice(list(DISTRICTS))
    area = max(25, random.gauss(110, 45))
    rooms = max(1, min(8, round(area / 30 + random.gauss(0, 0.7))))
    year = random.randint(1900, 2020)
    distance = max(0.3, random.gauss(6, 3.5))
    price = DISTRICTS[district] * (2.0 * area + 15 * rooms) * (1 - (2022 - year) / 400) \
        * (1 - distance / 40) * random.gauss(1, 0.08)
    rows.append([i, district, area, rooms, year, distance, random.choice(NOTES), price])
prices = sorted(r[7] for r in rows)
low, high = prices[len(prices) // 3], prices[2 * len(prices) // 3]


def missing(text):
    return random.choice(["", "NA", "?"]) if random.random() < 1 / 12 else text


HEADER = "id,district,area,rooms,year,distance,note,band\n"
train = open("houses-train.csv", "w")
test = open("houses-test.csv", "w")
train.write(HEADER)
test.write(HEADER)
for i, district, area, rooms, year, distance, note, price in rows:
    f = train if i <= 900 else test
    band = "cheap" if price < low else "mid" if price < high else "dear"
    sqft = area * 10.764
    a = f'"{sqft:,.0f}"' if sqft >= 1000 else f"{sqft:.0f}"
    note = '"' + note.replace('"', '""') + '"' if ("," in note or '"' in note) else note
    f.write(",".join([str(i), district, missing(a), missing(str(rooms)), missing(str(year)),
                      missing(f"{distance:.2f}"), note, band]) + "\n")
train.close()
test.close()
