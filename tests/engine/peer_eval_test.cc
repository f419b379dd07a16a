// Measures the shipped rules (rules/) against other profanity filters' test
// suites, collected in shared/eval/peer-tests/*.jsonl (see its README), and
// against this file's own ordinary and abusive news comments.
//
// Every row is evaluated by the engine exactly as hakamd would. A `block`
// row agrees when the action is not ALLOW; an `allow` row when it is ALLOW.
// The peer suites test profanity only (`scope: profanity_only`): a link,
// spam or personal-data hit on an allow row ("email me at mail@x.com") is a
// disagreement with the suite but not a profanity false positive, so both
// counts are reported. "core" rows are neither `mild` (hell, damn, butt...)
// nor `contested`.
//
// The floors below sit just under what the shipped rules measured when they
// were set (see docs/rules.md, "Shipped rule packs"): a change that loses
// recall or adds false positives fails here. Raise them when the rules get
// better.
//
//   ./build/tests/peer_eval_test        # prints the table
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "engine/engine.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace hakam {
namespace {

// In CI the repository is cloned next to a copy of shared/.
// shared/ is checked out beside the repository; HAKAM_SHARED_DIR overrides.
std::string PeerDir() {
  if (const char* env = std::getenv("HAKAM_SHARED_DIR")) {
    return std::string(env) + "/eval/peer-tests";
  }
  for (const char* candidate : {HAKAM_SOURCE_DIR "/../shared/eval/peer-tests",
                                HAKAM_SOURCE_DIR "/../../shared/eval/peer-tests"}) {
    if (std::filesystem::is_directory(candidate)) return candidate;
  }
  return HAKAM_SOURCE_DIR "/../shared/eval/peer-tests";
}
const std::string kPeerDir = PeerDir();

// Ordinary news comments (politics, security, economy, sports, dialect,
// Arabizi, English): every one must be ALLOWed. Political and identity
// words, and words hidden inside legitimate words, are the point.
const char* const kOrdinary[] = {
    "داعش تتبنى الهجوم على نقطة تفتيش في كركوك",
    "قوات التحالف الدولي بقيادة الولايات المتحدة تقصف مواقع داعش",
    "الحشد الشعبي يعلن السيطرة على الطريق الدولي",
    "الفصائل المسلحة الموالية لإيران ترفض انسحاب القوات الأمريكية",
    "حزب الدعوة يعقد مؤتمره العام في بغداد",
    "هناك مشكلة حقيقية في توزيع الرواتب",
    "منح الجنسية العراقية لأبناء المهاجرين",
    "زار وزير الخارجية لبنان وسوريا والأردن",
    "حسب مصادر مطلعة فإن الاتفاق سيوقع غدا",
    "قواد الجيش العراقي يجتمعون مع ممثلي التحالف",
    "خول رئيس الوزراء وزير الداخلية صلاحيات واسعة",
    "علق المتحدث باسم الحكومة على الأحداث الأخيرة",
    "الجهات الرافضة للاتفاق تنظم وقفة احتجاجية",
    "رافضي القرار قدموا طعنا أمام المحكمة الاتحادية",
    "الشيعة والسنة في العراق إخوة",
    "مقتل عشرة دواعش في عملية أمنية غرب الأنبار",
    "المسيحيون يحتفلون بعيد الميلاد في الموصل بعد التحرير",
    "الأكراد يطالبون بحصتهم من الموازنة",
    "اليهود العراقيون هاجروا في الخمسينيات",
    "اللاجئون السوريون في لبنان يعانون من البرد",
    "إسرائيل تواصل قصف غزة والضحايا بالمئات",
    "الموت لأمريكا شعار رفعه المتظاهرون أمام السفارة",
    "يسقط يسقط حكم العسكر",
    "الدولة الصفوية حكمت إيران في القرن السادس عشر",
    "ذبح الأضاحي في أول أيام العيد",
    "داعش ذبح الصحفيين أمام الكاميرات في جريمة بشعة",
    "ندين هذا الهجوم الإرهابي الجبان الخسيس",
    "القوات الأمنية تقتل قياديا في داعش",
    "المحكمة تحكم بالإعدام على المتهمين بالإرهاب",
    "الكفار في قريش حاربوا النبي في بدر",
    "وصل سعد البزاز إلى عمان لحضور المؤتمر",
    "بلا وكس ولا شطط هذا هو الحل",
    "الساكت عن الحق شيطان أخرس",
    "ارتفع سعر صرف الدولار في الأسواق المحلية",
    "أسعار الطماطم واللبن والخبز ارتفعت",
    "صدر قرار جديد من البنك المركزي",
    "سقطت أمطار غزيرة على بغداد",
    "الشاعر ألقى قصيدة جميلة عن الوطن وشعر الحب",
    "أزمة الزبالة في بيروت تتفاقم",
    "انتشرت انفلونزا الخنازير في المنطقة",
    "كلاب ضالة تهاجم الأطفال في الحي",
    "سرطان الثدي قابل للشفاء إذا اكتشف مبكرا",
    "فرج الله همكم وجعلكم من السعداء",
    "نيك كيريوس يتأهل إلى ربع النهائي",
    "لبؤات الأطلس يتأهلن إلى كأس العالم",
    "الحكم سرق المباراة من فريقنا",
    "يا عراق يا حبيبي",
    "يلعن ابو الفقر",
    "الله يلعن داعش وكل من دعمها",
    "الحكومة فاشلة ولازم تستقيل اليوم قبل باجر",
    "الميليشيات لازم تنحل وتسلم سلاحها للدولة",
    "التحالف الدولي قتل مدنيين في الموصل ولازم يحاسب",
    "لا فرق بين سني وشيعي الا بالتقوى",
    "ما اتفق معك ابدا لكن احترم رأيك",
    "عناصر داعش يذبحون الأسرى في فيديو جديد",
    "تعطل تطبيق واتساب في عدة دول",
    "قناة تلغرام تابعة لداعش نشرت البيان",
    "في عام ٢٠٢٤ جرت الانتخابات",
    "الموازنة 150 ترليون دينار",
    "فقاعة الدوت كوم انفجرت عام 2000",
    "شو هالحكي يا زلمة ما بصير هيك",
    "ya 7abibi enta a7la wa7ad",
    "wallah el dawla ma bt3mel shi",
    "ISIS claimed the attack on the checkpoint",
    "The US-led coalition struck militia positions near the border",
    "Israel and Hamas agreed to a ceasefire in Gaza",
    "Shia and Sunni clerics met in Najaf",
    "Shiite militias withdrew from the city",
    "The classic assassin film was shown in Scunthorpe",
    "Alexander Cockburn wrote a column about the pass",
    "Dick Cheney defended the Iraq war",
    "The cocktail party was in Sussex and Essex",
    "Matsushita and Yamashita won medals",
    "The tit-for-tat strikes continued overnight",
    "That is a chink in the armour of the government",
    "Pussy Riot members were arrested",
    "Bashar al-Assad met Vladimir Putin",
    "The militants beheaded two hostages, the ministry said",
    "Death to America chants were heard at the rally",
    "They will kill the deal if they do not get concessions",
    "We'll beat you in the final, see you there",
    "The army will hunt down the terrorists, the minister said",
    "WhatsApp outage hits millions",
    "the dot com bubble burst in 2000",
    "Jews, Christians and Muslims prayed together",
    "The refugee crisis is getting worse",
};

// Abusive comments: every one must be held (REVIEW or REJECT).
const char* const kAbusive[] = {
    "اسكت يا حمار",
    "ياحيوان انت ما تفهم",
    "انت غبي ولا تعرف شي",
    "انتم كلاب ايران",
    "الكاتب حقير ومرتزق",
    "يلعن ابوك على هالكلام",
    "كس امك يا خنزير",
    "يا ابن القحبة",
    "انت كواد",
    "والله لاقتلك",
    "راح اذبحك يا خاين",
    "لازم ينذبحون كلهم",
    "الموت للشيعة",
    "الروافض اصل البلاء",
    "يهود خنازير",
    "السنة كلهم دواعش",
    "يا رافضي يا مجوسي",
    "يا حـــمـــار",
    "ي ا ك ل ب",
    "یا کلب",
    "يا حمlر",
    "ya 7mar",
    "kosomak",
    "ra7 a2tlak",
    "انچب يا زمال",
    "للطلب تواصل واتساب ٠٧٧٠١٢٣٤٥٦٧",
    "زوروا موقعنا عروض نقطة كوم",
    "you idiot",
    "what the f*ck is wrong with this government",
    "you piece of shit",
    "I'll kill you",
    "jews are rats",
    "kill all the shia",
    "contact me on whatsapp +964 770 123 4567",
    "visit cheap-meds dot com",
};

struct Row {
  std::string suite;
  std::string text;
  bool block = false;
  std::string lang;
  bool mild = false;
  bool contested = false;
};

struct Tally {
  int block = 0;
  int caught = 0;
  int latin_block = 0;
  int latin_caught = 0;
  int allow = 0;
  int flagged = 0;           // allow rows not ALLOWed
  int flagged_profanity = 0;  // ... by a rule other than link/spam/pii

  void Add(const Row& row, const hakam::v1::Decision& d) {
    const bool held = d.action() != hakam::v1::ALLOW;
    if (row.block) {
      ++block;
      caught += held;
      if (row.lang == "latin") {
        ++latin_block;
        latin_caught += held;
      }
      return;
    }
    ++allow;
    if (!held) return;
    ++flagged;
    for (const auto& r : d.reasons()) {
      if (r.category() != "link" && r.category() != "spam" &&
          r.category() != "pii") {
        ++flagged_profanity;
        break;
      }
    }
  }
};

double Ratio(int num, int den) { return den == 0 ? 1.0 : double(num) / den; }

std::string Cell(int num, int den) {
  if (den == 0) return "-";
  return absl::StrFormat("%d/%d %5.1f%%", num, den, 100.0 * Ratio(num, den));
}

std::string Str(const google::protobuf::Struct& s, const char* key) {
  auto it = s.fields().find(key);
  return it == s.fields().end() ? "" : it->second.string_value();
}
bool Flag(const google::protobuf::Struct& s, const char* key) {
  auto it = s.fields().find(key);
  return it != s.fields().end() && it->second.bool_value();
}

std::vector<Row> LoadPeerRows() {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(kPeerDir)) {
    if (e.path().extension() == ".jsonl") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Row> rows;
  for (const auto& path : files) {
    std::ifstream in(path);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.empty()) continue;
      google::protobuf::Struct s;
      const auto status = google::protobuf::util::JsonStringToMessage(line, &s);
      if (!status.ok()) {
        ADD_FAILURE() << path << ":" << n << ": " << status.ToString();
        continue;
      }
      Row row;
      row.suite = path.stem().string();
      row.text = Str(s, "text");
      row.block = Str(s, "expect") == "block";
      row.lang = Str(s, "lang");
      row.mild = Flag(s, "mild");
      row.contested = Flag(s, "contested");
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

class PeerEvalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    DiagnosticSink sink;
    auto engine = Engine::Create(
        std::make_unique<DirectoryRuleSource>(HAKAM_SOURCE_DIR "/rules"),
        EngineOptions(), sink);
    ASSERT_TRUE(engine.ok()) << sink.ToString() << engine.status();
    engine_ = engine->release();
  }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }

  static hakam::v1::Decision Decide(const std::string& text) {
    hakam::v1::Comment c;
    c.set_text(text);
    auto d = engine_->Evaluate(c);
    EXPECT_TRUE(d.ok()) << d.status() << " on: " << text;
    return d.ok() ? *d : hakam::v1::Decision();
  }

  static Engine* engine_;
};

Engine* PeerEvalTest::engine_ = nullptr;

TEST_F(PeerEvalTest, PeerSuitesStayAboveTheirFloors) {
  ASSERT_TRUE(std::filesystem::is_directory(kPeerDir))
      << "the peer test suites are missing: expected " << kPeerDir
      << " (shared/eval/peer-tests, checked out next to the repository). "
         "This test measures the shipped rules against them and must not be "
         "skipped.";
  const std::vector<Row> rows = LoadPeerRows();
  ASSERT_GT(rows.size(), 500u) << "suspiciously few rows in " << kPeerDir;

  // suite -> {all rows, core rows}
  std::map<std::string, std::pair<Tally, Tally>> by_suite;
  Tally all, core;
  for (const Row& row : rows) {
    const hakam::v1::Decision d = Decide(row.text);
    auto& [suite_all, suite_core] = by_suite[row.suite];
    suite_all.Add(row, d);
    all.Add(row, d);
    if (!row.mild && !row.contested) {
      suite_core.Add(row, d);
      core.Add(row, d);
    }
  }

  std::string table = absl::StrFormat(
      "\n%-28s %-5s %-17s %-17s %-17s %-17s\n", "suite", "set",
      "block caught", "latin blk caught", "allow flagged", "  by profanity");
  auto line = [&](const std::string& name, const char* subset, const Tally& t) {
    table += absl::StrFormat("%-28s %-5s %-17s %-17s %-17s %-17s\n", name,
                             subset, Cell(t.caught, t.block),
                             Cell(t.latin_caught, t.latin_block),
                             Cell(t.flagged, t.allow),
                             Cell(t.flagged_profanity, t.allow));
  };
  for (const auto& [name, tallies] : by_suite) {
    line(name, "all", tallies.first);
    line(name, "core", tallies.second);
  }
  line("TOTAL", "all", all);
  line("TOTAL", "core", core);
  std::printf("%s", table.c_str());
  RecordProperty("peer_table", table);

  // Floors, set just under the measured values (docs/rules.md).
  // Recall: non-mild, non-contested block rows in Latin script (the other
  // scripts are Hindi, Greek, Tamil... which the packs do not cover).
  EXPECT_GE(Ratio(core.latin_caught, core.latin_block), 0.86)
      << "core latin block recall fell";
  EXPECT_GE(Ratio(core.caught, core.block), 0.78) << "core block recall fell";
  // False positives on core allow rows: none from profanity, insult, hate,
  // threat or sexual rules; three from link/pii (a URL, an e-mail address,
  // a phone number), which our policy holds for review on purpose.
  EXPECT_LE(core.flagged_profanity, 0) << "profanity false positives rose";
  EXPECT_LE(core.flagged, 4) << "false positives (any category) rose";
}

TEST_F(PeerEvalTest, OrdinaryNewsCommentsAreAllowed) {
  Tally t;
  for (const char* text : kOrdinary) {
    const hakam::v1::Decision d = Decide(text);
    t.Add({"ordinary", text, false, "", false, false}, d);
    EXPECT_EQ(d.action(), hakam::v1::ALLOW)
        << text << " -> " << (d.reasons_size() ? d.reasons(0).rule_id() : "")
        << " \"" << (d.reasons_size() ? d.reasons(0).excerpt() : "") << "\"";
  }
  std::printf("hakam ordinary comments: %s flagged\n",
              Cell(t.flagged, t.allow).c_str());
}

TEST_F(PeerEvalTest, AbusiveCommentsAreHeld) {
  Tally t;
  for (const char* text : kAbusive) {
    const hakam::v1::Decision d = Decide(text);
    t.Add({"abusive", text, true, "", false, false}, d);
    EXPECT_NE(d.action(), hakam::v1::ALLOW) << text;
  }
  std::printf("hakam abusive comments: %s held\n",
              Cell(t.caught, t.block).c_str());
}

}  // namespace
}  // namespace hakam
