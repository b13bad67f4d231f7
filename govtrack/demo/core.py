"""Demo data: users (one per role), partners and agreements of a fictional cooperative.

Everything is created through the services (actor "demo") so that the audit chain records it.
Agreements are created as drafts and put up for deliberation; the statuses after that need a carried
forum decision, so each agreement's intended status is kept in ctx["agreement_targets"] and
`advance(ctx)` moves every agreement towards it as far as the decisions on record allow. The forums
loader, which runs later and records the decisions, calls `advance(ctx)` again.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import deque
from decimal import Decimal

from govtrack.agreements import rules
from govtrack.agreements.models import Agreement, AgreementStatus
from govtrack.agreements.services import (
    AgreementData,
    ClauseData,
    PartyData,
    create_agreement,
    transition_agreement,
)
from govtrack.auth.services import create_user
from govtrack.errors import Conflict
from govtrack.extensions import db
from govtrack.partners.services import ContactData, PartnerData, create_partner, set_partner_active

ACTOR = "demo"
DOMAIN = "demo.koperasi.test"

USERS = [
    ("admin", "Siti Rahmawati"),
    ("board", "Bambang Hidayat"),
    ("manager", "Dewi Lestari"),
    ("member", "Agus Setiawan"),
    ("officer", "Yusuf Maulana"),  # the field officer of three of the five centres
]

# key, name, category, legal name, registration no, region, contacts [(name, position, email, phone)]
PARTNERS = [
    ("pemkab_bogor", "Pemerintah Kabupaten Bogor — Dinas Perumahan dan Permukiman", "local_government",
     "Dinas Perumahan, Kawasan Permukiman dan Pertanahan Kabupaten Bogor", None, "Kabupaten Bogor",
     [("Ir. Hendra Gunawan", "Kepala Bidang Air Minum", "hendra.gunawan@bogor.example", "+62 251 800 1101"),
      ("Rina Marlina", "Staf Perizinan", "rina.marlina@bogor.example", None)]),
    ("pemkot_bandung", "Pemerintah Kota Bandung — Dinas Lingkungan Hidup", "local_government",
     "Dinas Lingkungan Hidup Kota Bandung", None, "Kota Bandung",
     [("Dr. Yusuf Maulana", "Sekretaris Dinas", "yusuf.maulana@bandung.example", "+62 22 420 2202")]),
    ("dinkes_garut", "Dinas Kesehatan Kabupaten Garut", "local_government",
     "Dinas Kesehatan Kabupaten Garut", None, "Kabupaten Garut",
     [("dr. Lilis Suryani", "Kepala Seksi Kesehatan Lingkungan", "lilis.suryani@garut.example", None)]),
    ("dit_sanitasi", "Direktorat Sanitasi Permukiman", "central_government",
     "Direktorat Sanitasi Permukiman (fiktif), Kementerian Pekerjaan Umum", None, "DKI Jakarta",
     [("Ahmad Fauzi", "Kepala Subdirektorat Kemitraan", "ahmad.fauzi@sanitasi.example", "+62 21 720 3303")]),
    ("pamsimas", "Program Nasional Air Minum Berbasis Masyarakat", "central_government",
     "Sekretariat Program Nasional Air Minum Berbasis Masyarakat (fiktif)", None, "DKI Jakarta",
     [("Wahyu Prasetyo", "Koordinator Provinsi Jawa Barat", "wahyu.prasetyo@pamsimas.example", None)]),
    ("yayasan_air", "Yayasan Air Bersih Nusantara", "nonprofit_funder",
     "Yayasan Air Bersih Nusantara", "AHU-0012345.AH.01.04.2019", "DKI Jakarta",
     [("Maria Kristina", "Direktur Program", "maria@airbersih.example", "+62 21 555 0404"),
      ("Fajar Nugroho", "Manajer Hibah", "fajar@airbersih.example", None)]),
    ("yayasan_sehat", "Yayasan Sehat Desa Mandiri", "nonprofit_funder",
     "Yayasan Sehat Desa Mandiri", "AHU-0067890.AH.01.04.2017", "Kota Bandung",
     [("Nur Aini", "Ketua Pengurus", "nur.aini@sehatdesa.example", "+62 22 250 0505")]),
    ("bank_tirta", "Bank Syariah Tirta Makmur", "financial_institution",
     "PT Bank Syariah Tirta Makmur (fiktif)", "NIB 9120001234567", "DKI Jakarta",
     [("Rudi Hartono", "Manajer Relasi Koperasi", "rudi.hartono@tirtamakmur.example", "+62 21 300 0606")]),
    ("bprs_amanah", "BPR Syariah Amanah Sejahtera", "financial_institution",
     "PT BPR Syariah Amanah Sejahtera (fiktif)", "NIB 9120007654321", "Kabupaten Bogor",
     [("Eka Putri", "Kepala Cabang Cibinong", "eka.putri@bprsamanah.example", None)]),
    ("jamkrida", "Jamkrida Parahyangan", "financial_institution",
     "PT Penjaminan Kredit Daerah Parahyangan (fiktif)", None, "Kota Bandung",
     [("Dadang Suherman", "Kepala Divisi Penjaminan", "dadang@jamkrida.example", "+62 22 730 0707")]),
    ("cv_tirta", "CV Tirta Karya Mandiri", "construction_partner",
     "CV Tirta Karya Mandiri", "NIB 8120001112223", "Kabupaten Bogor",
     [("Joko Susilo", "Direktur", "joko@tirtakarya.example", "+62 812 0000 0808"),
      ("Asep Saepudin", "Pelaksana Lapangan", None, "+62 813 0000 0809")]),
    ("pt_sanitasi", "PT Sanitasi Prima Konstruksi", "construction_partner",
     "PT Sanitasi Prima Konstruksi", "NIB 8120003334445", "Kabupaten Sukabumi",
     [("Bayu Kurniawan", "Manajer Proyek", "bayu@sanitasiprima.example", None)]),
    ("ud_pipa", "UD Sumber Pipa Jaya", "construction_partner",
     "UD Sumber Pipa Jaya", None, "Kabupaten Garut",
     [("Haji Ujang Rohman", "Pemilik", None, "+62 852 0000 1010")]),
    ("univ_pakuan", "Universitas Pakuan Raya — Pusat Studi Air", "other",
     "Universitas Pakuan Raya (fiktif)", None, "Kota Bogor",
     [("Prof. Dr. Ratna Dewi", "Kepala Pusat Studi", "ratna.dewi@pakuanraya.example", None)]),
    ("cv_bangun", "CV Bangun Lestari", "construction_partner",
     "CV Bangun Lestari", None, "Kabupaten Cianjur", []),
]
INACTIVE_PARTNERS = {"cv_bangun"}
# What the manager keeps in mind about some partners (the partner page's notes).
PARTNER_NOTES = {
    "yayasan_air": "Laporan triwulanan dikirim ke Direktur Program paling lambat tanggal 15 bulan berikutnya.",
    "bank_tirta": "Angsuran didebit otomatis setiap tanggal 25; konfirmasi lewat surel ke manajer relasi bank.",
    "cv_tirta": "Pemeriksaan termin bersama rembug pusat setempat; foto progres wajib dilampirkan.",
    "cv_bangun": "Tidak aktif sejak 2025: pekerjaan drainase tidak selesai, jaminan pelaksanaan dicairkan.",
}

# key, title, reference, kind, [(partner key, role)], value, start, end, visibility, depends_on keys,
# clauses [(text, proposed_by)], target status
AGREEMENTS = [
    ("hibah_cibinong", "Hibah Sanitasi Desa Cibinong 2026", "PKS/2026/001", "grant",
     [("yayasan_air", "funder")], "1250000000", (2026, 1, 15), (2027, 1, 14), "public", [],
     [("Yayasan menyalurkan hibah dalam tiga tahap sesuai kemajuan pembangunan.", "partner"),
      ("Koperasi melaporkan penggunaan dana setiap triwulan kepada yayasan dan anggota.", "cooperative"),
      ("Sisa dana yang tidak terpakai dikembalikan atau dialihkan atas keputusan forum rembug pusat.",
       "cooperative")],
     "active"),
    ("jamban_cibinong", "Pembangunan 120 Jamban Sehat Cibinong", "PKS/2026/002", "construction",
     [("cv_tirta", "contractor")], "980000000", (2026, 3, 1), (2026, 12, 31), "public",
     ["hibah_cibinong"],
     [("Kontraktor membangun 120 unit jamban sehat sesuai gambar kerja yang disetujui.", "cooperative"),
      ("Pembayaran dilakukan per termin setelah pemeriksaan bersama oleh rembug pusat setempat.",
       "cooperative"),
      ("Masa pemeliharaan 6 bulan setelah serah terima.", "partner")],
     "active"),
    ("izin_citeureup", "Izin Pemanfaatan Mata Air Citeureup", "IZN/2025/017", "permit",
     [("pemkab_bogor", "regulator")], None, (2025, 9, 1), (2030, 8, 31), "public", [],
     [("Koperasi boleh mengambil air paling banyak 5 liter per detik.", "partner"),
      ("Koperasi menjaga kawasan resapan di sekitar mata air.", "partner")],
     "active"),
    ("pembiayaan_sambungan", "Pembiayaan Sambungan Air Rumah Tangga", "PBY/2026/004", "loan",
     [("bank_tirta", "lender")], "3500000000", (2026, 6, 1), (2029, 5, 31), "internal",
     ["izin_citeureup"],
     [("Pembiayaan dengan akad murabahah, margin tetap 9% per tahun.", "partner"),
      ("Angsuran bulanan dibayar dari iuran sambungan anggota.", "cooperative"),
      ("Bank tidak berhak atas data pribadi anggota selain yang diperlukan untuk pelaporan.",
       "cooperative")],
     "approved"),
    ("penjaminan", "Penjaminan Pembiayaan Air Bersih", "PJM/2026/001", "guarantee",
     [("jamkrida", "guarantor"), ("bank_tirta", "lender")], "1750000000", (2026, 6, 1), (2029, 5, 31),
     "internal", ["pembiayaan_sambungan"],
     [("Penjamin menanggung 50% dari sisa pokok pembiayaan yang macet.", "partner"),
      ("Imbal jasa penjaminan 1% per tahun dibayar di muka.", "partner")],
     "draft"),
    ("likuiditas", "Fasilitas Likuiditas Musiman", "PBY/2026/007", "credit_line",
     [("bprs_amanah", "lender")], "2000000000", (2026, 7, 1), (2027, 6, 30), "internal", [],
     [("Plafon dapat ditarik sewaktu-waktu menjelang musim kemarau.", "cooperative"),
      ("Nisbah bagi hasil 60:40 untuk koperasi.", "cooperative")],
     "under_deliberation"),
    ("mou_bandung", "Nota Kesepahaman Sanitasi Kota Bandung", "MOU/2025/003", "mou",
     [("pemkot_bandung", "regulator"), ("yayasan_sehat", "implementer")], None, (2025, 11, 1),
     (2028, 10, 31), "public", [],
     [("Para pihak bertukar data cakupan sanitasi per kelurahan setiap semester.", "partner"),
      ("Koperasi memprioritaskan anggota di kelurahan rawan sanitasi.", "cooperative")],
     "active"),
    ("pendampingan", "Pendampingan Teknis Pengelolaan Air", "TA/2025/002", "technical_assistance",
     [("univ_pakuan", "implementer")], "150000000", (2025, 2, 1), (2025, 11, 30), "members", [],
     [("Universitas melatih 40 kader air dari rembug pusat.", "partner"),
      ("Modul pelatihan menjadi milik bersama dan boleh disebarluaskan.", "cooperative")],
     "completed"),
    ("pipa_hdpe", "Pengadaan Pipa HDPE dan Meteran Air", "PGD/2026/005", "supply",
     [("ud_pipa", "supplier")], "425500000", (2026, 4, 1), (2026, 9, 30), "members",
     ["hibah_cibinong"],
     [("Pemasok mengirim 12 km pipa HDPE 63 mm dan 600 meteran air.", "cooperative"),
      ("Barang yang cacat diganti paling lambat 14 hari.", "cooperative")],
     "active"),
    ("hibah_nasional", "Hibah Program Nasional Air Minum 2025", "HBH/2025/009", "grant",
     [("pamsimas", "funder"), ("dit_sanitasi", "regulator")], "2400000000", (2025, 3, 1),
     (2025, 12, 31), "public", [],
     [("Dana hibah hanya untuk sarana air minum komunal.", "partner"),
      ("Koperasi menyediakan dana pendamping 10% dalam bentuk tenaga dan bahan lokal.", "partner")],
     "completed"),
    ("ipal_garut", "Pembangunan IPAL Komunal Garut", "PKS/2025/011", "construction",
     [("pt_sanitasi", "contractor")], "1870000000", (2025, 6, 1), (2026, 5, 31), "internal",
     ["hibah_nasional"],
     [("Kontraktor membangun 3 unit IPAL komunal untuk 300 rumah tangga.", "cooperative"),
      ("Denda keterlambatan 1‰ per hari dari nilai kontrak.", "cooperative")],
     "suspended"),
    ("data_garut", "Kerja Sama Data Kesehatan Lingkungan Garut", "MOU/2026/002", "mou",
     [("dinkes_garut", "other")], None, (2026, 2, 1), (2027, 1, 31), "internal", [],
     [("Dinas menerima data nama dan alamat seluruh anggota koperasi.", "partner")],
     "rejected"),
    ("modal_kerja", "Pinjaman Modal Kerja Unit Air Minum", "PBY/2026/010", "loan",
     [("bprs_amanah", "lender")], "600000000", (2026, 9, 1), (2028, 8, 31), "internal",
     ["izin_citeureup"],
     [("Pinjaman dengan akad musyarakah untuk unit usaha air minum isi ulang.", "cooperative")],
     "draft"),
    ("edukasi_sekolah", "Kerja Sama Edukasi Higiene Sekolah", "KS/2025/006", "other",
     [("yayasan_sehat", "funder")], "75000000", (2025, 7, 1), (2026, 6, 30), "members", [],
     [("Yayasan menyediakan materi edukasi cuci tangan untuk 20 sekolah dasar.", "partner"),
      ("Koperasi menyediakan tempat cuci tangan di sekolah mitra.", "cooperative")],
     "terminated"),
    ("sumur_garut", "Rekomendasi Teknis Sumur Bor Komunal Garut", "IZN/2026/003", "permit",
     [("dinkes_garut", "regulator")], None, (2026, 5, 1), (2031, 4, 30), "internal", [],
     [("Kualitas air diuji di laboratorium terakreditasi setiap enam bulan.", "partner")],
     "under_deliberation"),
]


def _date(parts: tuple[int, int, int] | None) -> dt.date | None:
    return dt.date(*parts) if parts else None


def _load_users(ctx: dict) -> None:
    users = {}
    for role, name in USERS:
        email = f"{role}@{DOMAIN}"
        password = secrets.token_urlsafe(12)
        users[role] = create_user(actor=ACTOR, email=email, name=name, role=role, password=password)
        ctx["logins"].append((role, email, password))
    ctx["users"] = users


def _load_partners(ctx: dict) -> dict:
    by_key = {}
    for key, name, category, legal, reg, region, contacts in PARTNERS:
        partner = create_partner(
            actor=ACTOR,
            data=PartnerData(
                name=name, category=category, legal_name=legal, registration_no=reg, region=region,
                notes=PARTNER_NOTES.get(key),
                contacts=[ContactData(name=n, position=p, email=e, phone=ph) for n, p, e, ph in contacts],
            ),
        )
        if key in INACTIVE_PARTNERS:
            set_partner_active(actor=ACTOR, partner=partner, active=False)
        by_key[key] = partner
    ctx["partners"] = list(by_key.values())
    return by_key


def _load_agreements(ctx: dict, partners: dict) -> None:
    by_key: dict[str, Agreement] = {}
    targets: dict[int, str] = {}
    for (key, title, ref, kind, parties, value, start, end, visibility, deps, clauses,
         target) in AGREEMENTS:
        agreement = create_agreement(
            actor=ACTOR,
            data=AgreementData(
                title=title, reference=ref, kind=kind,
                parties=[PartyData(partner_id=partners[p].id, role=role) for p, role in parties],
                value_amount=Decimal(value) if value else None, value_currency="IDR",
                start_date=_date(start), end_date=_date(end), visibility=visibility,
                depends_on=[by_key[d].id for d in deps],
                clauses=[ClauseData(text=text, proposed_by=by) for text, by in clauses],
            ),
        )
        by_key[key] = agreement
        targets[agreement.id] = target
    ctx["agreements"] = list(by_key.values())
    ctx["agreement_targets"] = targets


def _path(start: str, goal: str) -> list[str]:
    """The shortest chain of statuses from `start` to `goal` in the lifecycle (empty if none)."""
    queue, seen = deque([[start]]), {start}
    while queue:
        path = queue.popleft()
        if path[-1] == goal:
            return path[1:]
        for nxt in sorted(rules.allowed_targets(path[-1])):
            if nxt not in seen:
                seen.add(nxt)
                queue.append([*path, nxt])
    return []


def advance(ctx: dict, *, actor=ACTOR) -> None:
    """Move each demo agreement towards its intended status until a move needs a decision not on
    record. Every agreement meant to go past draft is first put up for deliberation."""
    for agreement in ctx.get("agreements", []):
        target = ctx.get("agreement_targets", {}).get(agreement.id)
        if target is None or agreement.status == target:
            continue
        if target != AgreementStatus.draft.value and agreement.status == AgreementStatus.draft.value:
            steps = _path(agreement.status, AgreementStatus.under_deliberation.value) + _path(
                AgreementStatus.under_deliberation.value, target
            )
        else:
            steps = _path(agreement.status, target)
        for to in steps:
            if to in rules.DECISION_REQUIRED:
                break  # only a forum decision makes it, when its motion carries
            try:
                # The service refuses before it changes anything, so nothing needs undoing.
                transition_agreement(actor=actor, agreement=agreement, to=to)
            except Conflict:
                break


def load(ctx: dict) -> None:
    """Users, partners and agreements; statuses as far as the recorded decisions allow."""
    _load_users(ctx)
    partners = _load_partners(ctx)
    _load_agreements(ctx, partners)
    advance(ctx)
    db.session.flush()
