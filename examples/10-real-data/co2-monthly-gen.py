# Writes co2-monthly.csv from co2.csv: the weekly Mauna Loa CO2 series as monthly means, one
# row per year and one column per month (a table in wide form). A month's value is the mean of
# the weeks dated in it that have a value, rounded to 2 decimals; a month with none is empty.
# The partial first year (1958, from March) is left out. Python 3, no dependencies; run it in
# this folder.
import csv
from collections import defaultdict

sums = defaultdict(lambda: [0.0, 0])
with open("co2.csv", newline="") as f:
    for row in csv.DictReader(f):
        if row["co2"].strip():
            key = (int(row["date"][:4]), int(row["date"][5:7]))
            sums[key][0] += float(row["co2"])
            sums[key][1] += 1

months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
with open("co2-monthly.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["year"] + months)
    for year in range(1959, 2002):
        cells = []
        for m in range(1, 13):
            s, n = sums.get((year, m), (0.0, 0))
            cells.append(f"{s / n:.2f}" if n else "")
        w.writerow([year] + cells)
