"""Vietnamese vocabulary for the synthetic province: names, provinces, districts, zones.

Weights are rough shares, good enough to make the demo look like Bắc Giang in 2021.
"""

from __future__ import annotations

# (family name, weight %)
FAMILY_NAMES: list[tuple[str, int]] = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Vũ", 4),
    ("Đỗ", 3), ("Bùi", 3), ("Đặng", 2), ("Ngô", 2), ("Dương", 2), ("Đào", 2),
    ("Phan", 2), ("Lương", 1), ("Hà", 1), ("Trịnh", 1), ("Đinh", 1), ("Lý", 1),
    ("Thân", 1), ("Giáp", 1), ("Chu", 1), ("Nông", 1),
]
MIDDLE_MALE = ["Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Công", "Xuân",
               "Tiến", "Mạnh", "Trọng", "Đình"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Phương", "Minh", "Hồng",
                 "Thùy", "Kim", "Bích", "Diệu"]
GIVEN_MALE = ["Hùng", "Dũng", "Nam", "Tuấn", "Long", "Hải", "Sơn", "Quân", "Thắng", "Cường",
              "Hiếu", "Khánh", "Phong", "Trung", "Đạt", "Huy", "Tùng", "Việt", "Bình", "An",
              "Thành", "Kiên", "Duy", "Hoàng", "Lâm", "Nghĩa", "Phúc", "Quý", "Toàn", "Vinh"]
GIVEN_FEMALE = ["Lan", "Hương", "Hoa", "Mai", "Linh", "Trang", "Huyền", "Thảo", "Ngọc", "Hằng",
                "Nga", "Yến", "Phương", "Thủy", "Hạnh", "Dung", "Nhung", "Oanh", "Vân", "Quỳnh",
                "Hà", "Loan", "Liên", "Giang", "Chi", "Anh", "Hiền", "Thúy", "Trinh", "Uyên"]

# (province, CCCD province code, weight %)
PROVINCES: list[tuple[str, str, int]] = [
    ("Bắc Giang", "024", 55), ("Lạng Sơn", "020", 6), ("Bắc Ninh", "027", 4),
    ("Thái Nguyên", "019", 4), ("Hà Nội", "001", 3), ("Hải Dương", "030", 3),
    ("Thanh Hóa", "038", 3), ("Nghệ An", "040", 3), ("Phú Thọ", "025", 2),
    ("Tuyên Quang", "008", 2), ("Cao Bằng", "004", 2), ("Hà Giang", "002", 2),
    ("Lào Cai", "010", 1), ("Yên Bái", "015", 1), ("Sơn La", "014", 1),
    ("Điện Biên", "011", 1), ("Thái Bình", "034", 1), ("Nam Định", "036", 1),
    ("Hưng Yên", "033", 1), ("Quảng Ninh", "022", 1), ("Hà Tĩnh", "042", 1),
    ("Ninh Bình", "037", 1),
]

# Bắc Giang's districts: (code, name)
DISTRICTS: list[tuple[str, str]] = [
    ("BG-213", "TP Bắc Giang"), ("BG-222", "Việt Yên"), ("BG-221", "Yên Dũng"),
    ("BG-217", "Lạng Giang"), ("BG-223", "Hiệp Hòa"), ("BG-216", "Tân Yên"),
    ("BG-218", "Lục Nam"), ("BG-219", "Lục Ngạn"), ("BG-215", "Yên Thế"),
    ("BG-220", "Sơn Động"),
]

# Industrial zones: (code, name, district code, latitude, longitude)
ZONES: list[tuple[str, str, str, float, float]] = [
    ("KCN-QC", "KCN Quang Châu", "BG-222", 21.2270, 106.0440),
    ("KCN-VT", "KCN Vân Trung", "BG-222", 21.2380, 106.1060),
    ("KCN-DT", "KCN Đình Trám", "BG-222", 21.2540, 106.0860),
    ("KCN-SK", "KCN Song Khê - Nội Hoàng", "BG-221", 21.2530, 106.1750),
    ("KCN-HP", "KCN Hòa Phú", "BG-223", 21.3170, 105.9740),
    ("KCN-VH", "KCN Việt Hàn", "BG-222", 21.2460, 106.0700),
]

COMMUNES = ["Nếnh", "Hoàng Ninh", "Quang Châu", "Vân Trung", "Tăng Tiến", "Hồng Thái",
            "Ninh Sơn", "Quảng Minh", "Tiền Phong", "Nội Hoàng", "Song Khê", "Tân Mỹ",
            "Đình Trám", "Bích Động", "Tự Lạn", "Thượng Lan"]
VILLAGES = ["Thôn Đông", "Thôn Tây", "Thôn Nam", "Thôn Bắc", "Thôn Trung", "Thôn Thượng",
            "Thôn Hạ", "Thôn Mới", "Thôn Làng Chằm", "Thôn Đạo Ngạn"]

ENTERPRISE_TRADES = ["Điện tử", "May mặc", "Linh kiện", "Quang học", "Cơ khí", "Bao bì",
                     "Công nghệ", "Vật liệu", "Dệt", "Nhựa"]
ENTERPRISE_WORDS = ["Hồng Hải", "Fuhong", "Shin Sung", "Crystal Martin", "Luxshare", "New Wing",
                    "Jinko", "Hosiden", "Wintek", "Canon", "Ji Ah", "Everwin", "Nichirin",
                    "Sao Việt", "Bắc Hà", "Kinh Bắc", "Đông Á", "Minh Phát", "Thành Công", "An Phú"]
