"""The "common way" baseline: the retail warehouse written the way most generators are.

This script stands for how synthetic retail data is usually produced in Python (the
guide-style ``RetailGenerator`` built on Faker): one Python dict per row, filled with
per-row ``Faker`` calls and the ``random`` module, collected in lists, turned into pandas
DataFrames and written with ``DataFrame.to_parquet`` (one file per table). Foreign keys are
a ``random.choice`` of parent ids kept in memory; transaction items are generated inside
the transaction loop and the transaction's totals are their sums.

It produces the same 11 tables with the columns users' SQL relies on (a subset of
``docs/SCHEMA.md``) at the same row counts for a given multiplier, so that rows/s can be
compared with fakehouse. It makes no attempt at the harder invariants (real city/state/ZIP
agreement, seasonality, funnels beyond a simple ordering, unique e-mails): it is a speed and
memory reference, not a second implementation of fakehouse.

Usage::

    python benchmarks/baseline_faker.py --multiplier 0.01 --out DIR --seed 42

It prints nothing but one final JSON line ``{"rows": N, "seconds": S}``: the rows written
and the seconds spent generating and writing them (interpreter start-up and imports not
included). ``--table-times`` adds a ``"tables"`` key with rows and seconds per step.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
from faker import Faker

# Fixed window so that a seed gives the same data whatever day it runs.
WINDOW_END = date(2024, 12, 31)
WINDOW_START = date(2022, 1, 1)
WINDOW_START_DT = datetime(2022, 1, 1)
WINDOW_END_DT = datetime(2024, 12, 31, 23, 59, 59)

BASE_ROWS = {
    "customers": 10_000,
    "products": 5_000,
    "stores": 500,
    "employees": 2_000,
    "suppliers": 1_000,
    "transactions": 50_000,
    "inventory": 20_000,
    "customer_behavior": 30_000,  # sessions; one row per event
    "product_reviews": 15_000,
    "marketing_campaigns": 500,
}

CATEGORIES = {
    "Electronics": (["Phones", "Laptops", "Audio", "Cameras", "Accessories"], 20.0, 900.0),
    "Clothing": (["Men", "Women", "Kids", "Shoes", "Outerwear"], 5.0, 120.0),
    "Home & Garden": (["Kitchen", "Furniture", "Decor", "Garden", "Bedding"], 5.0, 400.0),
    "Books": (["Fiction", "Non-Fiction", "Children", "Comics", "Textbooks"], 3.0, 60.0),
    "Sports": (["Fitness", "Outdoor", "Team Sports", "Cycling", "Water Sports"], 5.0, 300.0),
    "Beauty": (["Skincare", "Makeup", "Haircare", "Fragrance", "Wellness"], 2.0, 80.0),
}
SEGMENTS = ["Premium", "Regular", "Basic", "VIP"]
SEGMENT_WEIGHTS = [20, 45, 30, 5]
STORE_TYPES = ["Flagship", "Standard", "Outlet", "Express", "Online"]
DEPARTMENTS = {
    "Sales": ["Sales Associate", "Senior Sales Associate", "Sales Lead"],
    "Operations": ["Stock Clerk", "Operations Coordinator"],
    "Customer Service": ["Customer Service Rep", "Service Desk Lead"],
    "Management": ["Assistant Manager", "Store Manager"],
}
SALARY_RANGES = {
    "Sales Associate": (26_000, 36_000),
    "Senior Sales Associate": (32_000, 45_000),
    "Sales Lead": (40_000, 55_000),
    "Stock Clerk": (25_000, 34_000),
    "Operations Coordinator": (38_000, 52_000),
    "Customer Service Rep": (27_000, 38_000),
    "Service Desk Lead": (38_000, 50_000),
    "Assistant Manager": (48_000, 65_000),
    "Store Manager": (60_000, 95_000),
}
PAYMENT_METHODS = ["Credit Card", "Debit Card", "Cash", "Mobile Wallet", "Gift Card"]
STATUSES = ["Completed", "Pending", "Cancelled", "Returned"]
STATUS_WEIGHTS = [88, 4, 3, 5]
# 1 to 10 items per transaction, mean about 4.0.
ITEM_COUNTS = list(range(1, 11))
ITEM_COUNT_WEIGHTS = [14, 17, 17, 15, 12, 9, 7, 4, 3, 2]
TAX_RATE = 0.08
EVENT_FLOW = ["page_view", "search", "product_view", "add_to_cart", "remove_from_cart"]
DEVICES = ["desktop", "mobile", "tablet"]


def n_rows(base: int, multiplier: float) -> int:
    return max(1, round(base * multiplier))


class RetailGenerator:
    """Generates the retail tables row by row, parents first, keeping them in lists."""

    def __init__(self, multiplier: float, seed: int) -> None:
        self.m = multiplier
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)
        random.seed(seed)
        self.tables: dict[str, list[dict]] = {}

    def generate_suppliers(self) -> None:
        fake = self.fake
        rows = []
        for i in range(1, n_rows(BASE_ROWS["suppliers"], self.m) + 1):
            start = fake.date_between(start_date=date(2015, 1, 1), end_date=date(2023, 12, 31))
            rows.append(
                {
                    "supplier_id": f"SUP{i:09d}",
                    "supplier_name": fake.company(),
                    "supplier_type": random.choice(
                        ["Manufacturer", "Distributor", "Wholesaler", "Importer"]
                    ),
                    "country": fake.country(),
                    "payment_terms": random.choice(["Net 30", "Net 45", "Net 60", "COD"]),
                    "lead_time_days": random.randint(3, 60),
                    "rating": round(random.uniform(1.0, 5.0), 1),
                    "contract_start": start,
                    "contract_end": start + timedelta(days=random.randint(365, 5 * 365)),
                }
            )
        self.tables["suppliers"] = rows

    def generate_products(self) -> None:
        fake = self.fake
        supplier_ids = [s["supplier_id"] for s in self.tables["suppliers"]]
        rows = []
        for i in range(1, n_rows(BASE_ROWS["products"], self.m) + 1):
            category = random.choice(list(CATEGORIES))
            subcategories, low, high = CATEGORIES[category]
            subcategory = random.choice(subcategories)
            unit_cost = round(random.uniform(low, high), 2)
            rows.append(
                {
                    "product_id": f"PROD{i:09d}",
                    "product_name": f"{fake.word().title()} {subcategory} {fake.word().title()}",
                    "sku": fake.bothify("???-########").upper(),
                    "category": category,
                    "subcategory": subcategory,
                    "brand": fake.company(),
                    "unit_cost": unit_cost,
                    "unit_price": round(unit_cost * random.uniform(1.2, 2.5), 2),
                    "supplier_id": random.choice(supplier_ids),
                    "launch_date": fake.date_between(
                        start_date=date(2018, 1, 1), end_date=WINDOW_END
                    ),
                    "discontinued": random.random() < 0.05,
                }
            )
        self.tables["products"] = rows

    def generate_stores(self) -> None:
        fake = self.fake
        rows = []
        for i in range(1, n_rows(BASE_ROWS["stores"], self.m) + 1):
            store_type = random.choice(STORE_TYPES)
            city = fake.city()
            rows.append(
                {
                    "store_id": f"STORE{i:07d}",
                    "store_name": f"{city} {store_type}",
                    "store_type": store_type,
                    "address": fake.street_address(),
                    "city": city,
                    "state": fake.state_abbr(),
                    "zip_code": fake.zipcode(),
                    "latitude": float(fake.latitude()),
                    "longitude": float(fake.longitude()),
                    "opening_date": fake.date_between(
                        start_date=date(2005, 1, 1), end_date=date(2023, 12, 31)
                    ),
                    "store_size_sqft": 0
                    if store_type == "Online"
                    else random.randint(2_000, 60_000),
                    "manager_id": None,  # set once employees exist
                    "is_active": random.random() < 0.95,
                }
            )
        self.tables["stores"] = rows

    def generate_employees(self) -> None:
        fake = self.fake
        stores = self.tables["stores"]
        physical = [s for s in stores if s["store_type"] != "Online"] or stores
        rows = []
        managers: dict[str, dict] = {}
        for i in range(1, n_rows(BASE_ROWS["employees"], self.m) + 1):
            store = random.choice(physical)
            manager = managers.get(store["store_id"])
            if manager is None:
                department, position = "Management", "Store Manager"
            else:
                department = random.choice(list(DEPARTMENTS))
                position = random.choice(DEPARTMENTS[department])
            hire_start = manager["hire_date"] if manager else date(2012, 1, 1)
            hire_date = fake.date_between(start_date=hire_start, end_date=WINDOW_END)
            is_active = random.random() < 0.9
            row = {
                "employee_id": f"EMP{i:09d}",
                "first_name": fake.first_name(),
                "last_name": fake.last_name(),
                "department": department,
                "position": position,
                "hire_date": hire_date,
                "salary": round(random.uniform(*SALARY_RANGES[position]), 2),
                "store_id": store["store_id"],
                "manager_id": manager["employee_id"] if manager else None,
                "employment_type": random.choice(["Full-time", "Part-time", "Seasonal"]),
                "is_active": is_active,
                "termination_date": None
                if is_active
                else fake.date_between(start_date=hire_date, end_date=WINDOW_END),
            }
            if manager is None:
                managers[store["store_id"]] = row
                store["manager_id"] = row["employee_id"]
            rows.append(row)
        self.tables["employees"] = rows

    def generate_customers(self) -> None:
        fake = self.fake
        rows = []
        for i in range(1, n_rows(BASE_ROWS["customers"], self.m) + 1):
            # Fixed bounds, not date_of_birth(): that one counts from today.
            dob = fake.date_between(start_date=date(1940, 1, 1), end_date=date(2005, 12, 31))
            registration_start = max(WINDOW_START, date(dob.year + 19, 1, 1))
            rows.append(
                {
                    "customer_id": f"CUST{i:09d}",
                    "first_name": fake.first_name(),
                    "last_name": fake.last_name(),
                    "email": fake.email(),
                    "phone": fake.phone_number(),
                    "date_of_birth": dob,
                    "gender": random.choice(["F", "M", "Other"]),
                    "address_line1": fake.street_address(),
                    "city": fake.city(),
                    "state": fake.state_abbr(),
                    "zip_code": fake.zipcode(),
                    "country": "US",
                    "latitude": float(fake.latitude()),
                    "longitude": float(fake.longitude()),
                    "registration_date": fake.date_between(
                        start_date=registration_start, end_date=WINDOW_END
                    ),
                    "customer_segment": random.choices(SEGMENTS, weights=SEGMENT_WEIGHTS)[0],
                    "credit_score": random.randint(300, 850),
                    "annual_income": round(random.uniform(20_000, 250_000), 2),
                    "marketing_opt_in": random.random() < 0.6,
                }
            )
        self.tables["customers"] = rows

    def generate_marketing_campaigns(self) -> None:
        fake = self.fake
        rows = []
        for i in range(1, n_rows(BASE_ROWS["marketing_campaigns"], self.m) + 1):
            start = fake.date_between(start_date=WINDOW_START, end_date=WINDOW_END)
            end = start + timedelta(days=random.randint(7, 90))
            budget = round(random.uniform(5_000, 250_000), 2)
            spend = round(budget * random.uniform(0.6, 1.1), 2)
            impressions = random.randint(10_000, 2_000_000)
            clicks = int(impressions * random.uniform(0.005, 0.05))
            conversions = int(clicks * random.uniform(0.01, 0.1))
            revenue = round(conversions * random.uniform(20, 150), 2)
            rows.append(
                {
                    "campaign_id": f"CAMP{i:07d}",
                    "campaign_name": fake.catch_phrase(),
                    "campaign_type": random.choice(
                        ["Email", "Social Media", "Search", "Display", "TV", "In-Store"]
                    ),
                    "start_date": start,
                    "end_date": end,
                    "budget": budget,
                    "actual_spend": spend,
                    "impressions": impressions,
                    "clicks": clicks,
                    "conversions": conversions,
                    "revenue_generated": revenue,
                    "ctr": round(clicks / impressions, 4),
                    "conversion_rate": round(conversions / clicks, 4) if clicks else 0.0,
                    "roi": round((revenue - spend) / spend, 4),
                    "status": "Completed" if end < WINDOW_END else "Active",
                }
            )
        self.tables["marketing_campaigns"] = rows

    def generate_transactions(self) -> None:
        fake = self.fake
        customer_ids = [c["customer_id"] for c in self.tables["customers"]]
        stores = self.tables["stores"]
        products = self.tables["products"]
        campaign_ids = [c["campaign_id"] for c in self.tables["marketing_campaigns"]]
        staff: dict[str, list[str]] = {}
        for e in self.tables["employees"]:
            staff.setdefault(e["store_id"], []).append(e["employee_id"])
        transactions, items = [], []
        for i in range(1, n_rows(BASE_ROWS["transactions"], self.m) + 1):
            transaction_id = f"TXN{i:011d}"
            store = random.choice(stores)
            online = store["store_type"] == "Online"
            item_count = random.choices(ITEM_COUNTS, weights=ITEM_COUNT_WEIGHTS)[0]
            subtotal = discount_total = tax_total = total = 0.0
            for line in range(1, item_count + 1):
                product = random.choice(products)
                quantity = random.randint(1, 4)
                gross = round(product["unit_price"] * quantity, 2)
                discount = round(gross * random.choice([0, 0, 0, 0.05, 0.1, 0.2]), 2)
                tax = round((gross - discount) * TAX_RATE, 2)
                line_total = round(gross - discount + tax, 2)
                items.append(
                    {
                        "transaction_id": transaction_id,
                        "line_number": line,
                        "product_id": product["product_id"],
                        "quantity": quantity,
                        "unit_price": product["unit_price"],
                        "discount_amount": discount,
                        "tax_amount": tax,
                        "line_total": line_total,
                    }
                )
                subtotal += gross
                discount_total += discount
                tax_total += tax
                total += line_total
            transactions.append(
                {
                    "transaction_id": transaction_id,
                    "customer_id": random.choice(customer_ids),
                    "store_id": store["store_id"],
                    "employee_id": None
                    if online or store["store_id"] not in staff
                    else random.choice(staff[store["store_id"]]),
                    "transaction_date": fake.date_time_between(
                        start_date=WINDOW_START_DT, end_date=WINDOW_END_DT
                    ),
                    "channel": "Online" if online else random.choice(["In-Store", "Mobile"]),
                    "payment_method": random.choice(PAYMENT_METHODS),
                    "transaction_status": random.choices(STATUSES, weights=STATUS_WEIGHTS)[0],
                    "campaign_id": random.choice(campaign_ids) if random.random() < 0.3 else None,
                    "item_count": item_count,
                    "subtotal": round(subtotal, 2),
                    "discount_amount": round(discount_total, 2),
                    "tax_amount": round(tax_total, 2),
                    "total_amount": round(total, 2),
                }
            )
        self.tables["transactions"] = transactions
        self.tables["transaction_items"] = items

    def generate_inventory(self) -> None:
        fake = self.fake
        product_ids = [p["product_id"] for p in self.tables["products"]]
        store_ids = [s["store_id"] for s in self.tables["stores"]]
        wanted = min(n_rows(BASE_ROWS["inventory"], self.m), len(product_ids) * len(store_ids))
        seen: set[tuple[str, str]] = set()
        rows = []
        while len(rows) < wanted:
            pair = (random.choice(product_ids), random.choice(store_ids))
            if pair in seen:
                continue
            seen.add(pair)
            on_hand = 0 if random.random() < 0.05 else random.randint(1, 500)
            reserved = random.randint(0, on_hand // 4)
            rows.append(
                {
                    "inventory_id": f"INV{len(rows) + 1:010d}",
                    "product_id": pair[0],
                    "store_id": pair[1],
                    "quantity_on_hand": on_hand,
                    "quantity_reserved": reserved,
                    "quantity_available": on_hand - reserved,
                    "reorder_point": random.randint(10, 100),
                    "reorder_quantity": random.randint(50, 500),
                    "last_count_date": fake.date_between(
                        start_date=WINDOW_END - timedelta(days=90), end_date=WINDOW_END
                    ),
                    "stockout_flag": on_hand == 0,
                }
            )
        self.tables["inventory"] = rows

    def generate_customer_behavior(self) -> None:
        fake = self.fake
        customer_ids = [c["customer_id"] for c in self.tables["customers"]]
        product_ids = [p["product_id"] for p in self.tables["products"]]
        rows = []
        for s in range(1, n_rows(BASE_ROWS["customer_behavior"], self.m) + 1):
            session_id = f"SESS{s:010d}"
            customer_id = random.choice(customer_ids)
            device = random.choice(DEVICES)
            ts = fake.date_time_between(start_date=WINDOW_START_DT, end_date=WINDOW_END_DT)
            n_events = random.randint(3, 8)
            events = ["page_view"] + [random.choice(EVENT_FLOW) for _ in range(n_events - 1)]
            if "add_to_cart" in events and random.random() < 0.3:
                events[-1] = "checkout_start"
                if random.random() < 0.7:
                    events.append("purchase")
            for event_type in events:
                ts += timedelta(seconds=random.randint(5, 300))
                product_id = None
                if event_type in ("product_view", "add_to_cart", "remove_from_cart"):
                    product_id = random.choice(product_ids)
                    page_url = f"/products/{product_id}"
                else:
                    page_url = "/" + fake.uri_path()
                rows.append(
                    {
                        "event_id": f"EVT{len(rows) + 1:011d}",
                        "session_id": session_id,
                        "customer_id": customer_id,
                        "event_timestamp": ts,
                        "event_type": event_type,
                        "product_id": product_id,
                        "device_type": device,
                        "page_url": page_url,
                    }
                )
        self.tables["customer_behavior"] = rows

    def generate_product_reviews(self) -> None:
        fake = self.fake
        transactions = self.tables["transactions"]
        by_id = {t["transaction_id"]: t for t in transactions}
        items = self.tables["transaction_items"]
        customer_ids = [c["customer_id"] for c in self.tables["customers"]]
        product_ids = [p["product_id"] for p in self.tables["products"]]
        rows = []
        for i in range(1, n_rows(BASE_ROWS["product_reviews"], self.m) + 1):
            if random.random() < 0.7:
                item = random.choice(items)
                sale = by_id[item["transaction_id"]]
                product_id, customer_id = item["product_id"], sale["customer_id"]
                transaction_id = sale["transaction_id"]
                review_date = fake.date_between(
                    start_date=sale["transaction_date"].date(), end_date=WINDOW_END
                )
            else:
                product_id = random.choice(product_ids)
                customer_id = random.choice(customer_ids)
                transaction_id = None
                review_date = fake.date_between(start_date=WINDOW_START, end_date=WINDOW_END)
            total_votes = random.randint(0, 50)
            rows.append(
                {
                    "review_id": f"REV{i:010d}",
                    "product_id": product_id,
                    "customer_id": customer_id,
                    "transaction_id": transaction_id,
                    "rating": random.choices([1, 2, 3, 4, 5], weights=[5, 8, 17, 35, 35])[0],
                    "review_title": fake.sentence(nb_words=5),
                    "review_text": fake.paragraph(nb_sentences=3),
                    "review_date": review_date,
                    "verified_purchase": transaction_id is not None,
                    "helpful_count": random.randint(0, total_votes),
                    "total_votes": total_votes,
                }
            )
        self.tables["product_reviews"] = rows

    def steps(self):
        """The generation steps in dependency order (parents before children)."""
        return [
            ("suppliers", self.generate_suppliers),
            ("products", self.generate_products),
            ("stores", self.generate_stores),
            ("employees", self.generate_employees),
            ("customers", self.generate_customers),
            ("marketing_campaigns", self.generate_marketing_campaigns),
            ("transactions+transaction_items", self.generate_transactions),
            ("inventory", self.generate_inventory),
            ("customer_behavior", self.generate_customer_behavior),
            ("product_reviews", self.generate_product_reviews),
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--multiplier", type=float, default=0.01)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--table-times",
        action="store_true",
        help="add rows and generation seconds per step to the JSON line",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    generator = RetailGenerator(args.multiplier, args.seed)
    step_times = {}
    for name, step in generator.steps():
        t0 = time.perf_counter()
        step()
        step_times[name] = time.perf_counter() - t0

    # Stores get their manager_id only after employees exist, so tables are written at the end.
    args.out.mkdir(parents=True, exist_ok=True)
    rows = 0
    write_times = {}
    for name, records in generator.tables.items():
        t0 = time.perf_counter()
        pd.DataFrame(records).to_parquet(args.out / f"{name}.parquet", index=False)
        write_times[name] = time.perf_counter() - t0
        rows += len(records)
    result: dict = {"rows": rows, "seconds": round(time.perf_counter() - started, 3)}
    if args.table_times:
        result["tables"] = {
            name: {
                "rows": sum(len(generator.tables[t]) for t in name.split("+")),
                "seconds": round(secs + sum(write_times[t] for t in name.split("+")), 4),
            }
            for name, secs in step_times.items()
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
