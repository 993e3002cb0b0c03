#include "dialogue/conversation.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <regex>

#include "base/date.h"
#include "dialogue/live_answers.h"
#include "rules/calendar_rules.h"
#include "rules/placeholders.h"
#include "text/date_parser.h"
#include "text/era.h"
#include "text/redact.h"
#include "text/utf8.h"

namespace madoguchi::dialogue {

namespace {

constexpr char kFlowReissue[] = "reissue";
// The last topic once a reissue by chat has been asked for: a follow-up then asks about the
// postcard.
constexpr char kEntryReissue[] = "action:reissue_auth_code";
// Specific evidence (in words of the highest IDF) a message needs to be taken as a new question
// while a flow waits for input.
constexpr float kLeaveFlowEvidence = 1.5f;

bool ContainsAny(const std::string& text, std::initializer_list<const char*> words) {
  for (const char* w : words) {
    if (text.find(w) != std::string::npos) return true;
  }
  return false;
}

bool IsCancel(const std::string& normalized) {
  return ContainsAny(normalized, {"キャンセル", "きゃんせる", "やめる", "やめます", "やめたい",
                                  "やっぱりいい", "中止", "取り消", "cancel"});
}

bool IsYes(const std::string& n) {
  return ContainsAny(n, {"はい", "お願い", "おねがい", "申し込", "yes", "ok", "うん", "する"}) &&
         !ContainsAny(n, {"いいえ", "しない", "no"});
}

bool IsNo(const std::string& n) { return ContainsAny(n, {"いいえ", "しない", "いらない", "no"}); }

// A member number as typed: 4–20 letters and digits, spaces and hyphens ignored.
std::optional<std::string> ExtractMemberNumber(const std::string& normalized) {
  std::string compact;
  for (char c : normalized) {
    if (c != ' ' && c != '-') compact += c;
  }
  static const std::regex kNumber("[0-9a-z_]{4,20}");
  std::smatch m;
  if (!std::regex_search(compact, m, kNumber)) return std::nullopt;
  // A number that is part of a longer run is not a member number.
  return m.str();
}

std::optional<Date> ExtractBirthDate(const std::string& normalized) {
  if (auto d = text::ParseFullDate(normalized)) return d;
  static const Date kFar{std::chrono::year(2000), std::chrono::month(1), std::chrono::day(1)};
  for (const auto& m : text::FindDates(normalized, kFar)) {
    if (m.precision == text::DateMention::Precision::kDay) return m.date;
  }
  return std::nullopt;
}

Reply Text(std::string text) {
  Reply r;
  r.outcome = Outcome::kAnswer;
  r.confidence = 1;
  r.text = std::move(text);
  return r;
}

// Full years on `today` of someone born on `birth`, a year more from each birthday (a 29 February
// birthday from 1 March in common years). Only compared with a variant's age bounds.
int AgeOn(const Date& birth, const Date& today) {
  int age = static_cast<int>(today.year()) - static_cast<int>(birth.year());
  if (today.month() < birth.month() ||
      (today.month() == birth.month() && today.day() < birth.day())) {
    --age;
  }
  return age;
}

// Asks when something arrives: 「それはいつ届く？」「何日かかる？」.
bool AsksArrival(const std::string& n) {
  return ContainsAny(n, {"届", "とど", "何日", "なんにち", "着く"});
}

// Names ranks: 「ランクは？」.
bool AsksRank(const std::string& n) { return ContainsAny(n, {"ランク", "らんく"}); }

Reply NoRanks(const kb::Program& program) {
  std::string s = program.name + "には、ランクの仕組みはありません。";
  if (program.HasAction("balance")) {
    s += "ためたポイントの残高は「残高を教えて」と送るとご確認いただけます。";
  }
  return Text(std::move(s));
}

Reply ReissueArrival(const kb::Program& program) {
  Reply r = Text(ReissueArrivalText(program));
  r.action = "reissue_auth_code";
  r.entry_id = kEntryReissue;
  return r;
}

// An example question for the welcome, from the program's own entries: the shortest of those
// written for members (an imported FAQ has no audience, so any counts), else the shortest
// question of an intent the program supports. Empty when the program has neither.
std::string WelcomeExample(const kb::ProgramKb& program) {
  std::string best;
  size_t best_length = 0;
  auto consider = [&](const kb::Entry& e) {
    const size_t length = text::CodePointCount(e.question);
    if (best.empty() || length < best_length) {
      best = e.question;
      best_length = length;
    }
  };
  for (const kb::Entry& e : program.entries) {
    if (e.IsOwnFaq() && (e.audience.empty() || e.audience == "member")) consider(e);
  }
  if (!best.empty()) return best;
  for (const kb::Entry& e : program.entries) {
    if (e.IsIntent() && e.action != "handoff" && e.action != "link") consider(e);
  }
  return best;
}

}  // namespace

struct Conversation::Context {
  const Message& message;
  // The knowledge this message is answered from; holds `program` (and the answerer) alive.
  const Knowledge& knowledge;
  const kb::ProgramKb& program;
  store::ConversationState state;
  Date today;
  std::string normalized;
};

Conversation::Conversation(const KnowledgeSource* knowledge, points::PointsCore* core,
                           store::ConversationStore* store, AccountLinker* linker,
                           const store::Sealer* sealer, const Clock* clock,
                           const text::Normalizer* normalizer, const ConversationOptions& options)
    : knowledge_(knowledge),
      core_(core),
      store_(store),
      linker_(linker),
      sealer_(sealer),
      clock_(clock),
      normalizer_(normalizer),
      options_(options) {}

StatusOr<Turn> Conversation::Handle(const Message& message) {
  // One snapshot for the whole message: everything below reads the knowledge through it.
  const Knowledge knowledge = knowledge_->Current();
  const Answerer& answerer = *knowledge.answerer;
  const kb::ProgramKb* program = knowledge.kb->Find(message.program);
  if (program == nullptr) {
    return Status(StatusCode::kNotFound, "unknown program \"" + message.program + "\"");
  }
  auto stored = store_->GetState(message.key);
  if (!stored.ok()) return stored.status();
  store::ConversationState state = stored->value_or(store::ConversationState{});
  Context c{message, knowledge, *program, std::move(state), clock_->Today(), ""};
  if (c.state.program != program->program.id) {
    // A conversation moved to another program starts over: topics and flows do not carry.
    c.state = store::ConversationState{};
    c.state.program = program->program.id;
    c.state.greeted = stored->has_value() && (*stored)->greeted;
  }
  Turn turn;
  turn.knowledge = knowledge.keep_alive;
  if (message.follow || !c.state.greeted) {
    turn.messages.push_back(Welcome(*program));
    c.state.greeted = true;
  }
  if (!message.follow) {
    std::string text =
        text::TruncateCodePoints(text::RepairUtf8(message.text), options_.max_text_code_points);
    c.normalized = normalizer_->Normalize(text);
    const std::string& pb = message.postback;
    Reply r;
    if (!pb.empty()) {
      if (c.state.flow == kFlowReissue && (pb.rfind("confirm:", 0) == 0 || pb == "cancel")) {
        r = ContinueReissue(c, "", pb);
      } else if (pb.rfind("entry:", 0) == 0) {
        auto entry = answerer.AnswerEntry(program->program.id, pb.substr(6));
        r = entry.ok()
                ? Answer(c, *entry)
                : Text("その選択肢は現在ご利用いただけません。もう一度ご質問を入力してください。");
      } else if (pb.rfind("feedback:", 0) == 0) {
        r = Feedback(c, pb);
      } else if (pb == "link") {
        r = LinkReply(c);
      } else if (pb == "none") {
        r = Text("お役に立てず申し訳ありません。お手数ですが、担当窓口へお問い合わせください。\n" +
                 rules::FormatContacts(program->program));
        r.action = "handoff";
      } else {
        r = Text("その操作はわかりませんでした。ご質問を文章で送ってください。");
      }
    } else if (c.normalized.empty()) {
      r = Text("ご質問を文章で送ってください。「何ができるの？」と送ると使い方をご案内します。");
    } else if (c.state.flow == kFlowReissue && !LeavesFlow(c, text)) {
      r = ContinueReissue(c, c.normalized, "");
    } else if (ContainsAny(c.normalized, {"連携解除", "連携を解除", "連携やめ", "連携をやめ"})) {
      auto linked = linker_->LinkedMember(message.key, program->program.id);
      if (!linked.ok()) return linked.status();
      if (!linked->has_value()) {
        // Nothing was linked here: saying 解除しました would suggest there had been a link.
        r = Text("このアカウントは連携されていないため、解除する連携はありません。");
      } else {
        Status st = linker_->Unlink(message.key);
        if (!st.ok()) return st;
        r = Text(
            "アカウント連携を解除しました。ポイント残高などの確認には、もう一度連携が必要です。");
      }
    } else {
      auto asked = answerer.Ask(program->program.id, text);
      if (!asked.ok()) return asked.status();
      Reply matched = std::move(asked).value();
      const bool short_message =
          text::CodePointCount(c.normalized) <= options_.follow_up_max_code_points;
      // Right after a reissue by chat, 「それはいつ届く？」 asks about the postcard, unless the
      // message wholly names another entry (「交換した商品はいつ届く？」).
      const bool names_other_entry = matched.outcome == Outcome::kAnswer &&
                                     !matched.candidates.empty() &&
                                     matched.candidates.front().coverage >= 1.0f;
      const bool reissue_arrival = c.state.last_entry_id == kEntryReissue && short_message &&
                                   AsksArrival(c.normalized) && !names_other_entry;
      // A short message with no clear answer of its own may continue the last topic:
      // 「それはいつ届きますか」 after an answer about exchange.
      if (!reissue_arrival && matched.outcome != Outcome::kAnswer &&
          !c.state.last_entry_id.empty() && short_message) {
        if (const kb::Entry* last = program->Find(c.state.last_entry_id)) {
          auto again = answerer.Ask(program->program.id, last->question + " " + text);
          // The last topic answering again means the new words added nothing it knows
          // (「明日の天気を教えて」 after an exchange answer): not a follow-up.
          if (again.ok() && again->outcome == Outcome::kAnswer &&
              again->entry_id != c.state.last_entry_id) {
            matched = std::move(again).value();
          }
        }
      }
      const kb::Entry* matched_entry =
          matched.outcome == Outcome::kAnswer ? program->Find(matched.entry_id) : nullptr;
      if (reissue_arrival) {
        r = ReissueArrival(program->program);
      } else if (AsksRank(c.normalized) && !program->program.HasAction("rank") &&
                 program->program.rules.ranks.empty() &&
                 (matched_entry == nullptr || !matched_entry->IsOwnFaq())) {
        // A program without ranks has no entry about them: say so rather than fall back or
        // answer with the general help.
        r = NoRanks(program->program);
      } else if (matched.outcome == Outcome::kAnswer) {
        r = Answer(c, matched);
      } else {
        r = std::move(matched);
        if (r.outcome == Outcome::kFallback) RecordUnanswered(c, text, r);
      }
    }
    turn.messages.push_back(std::move(r));
  }
  c.state.updated_at = UnixSeconds();
  MADOGUCHI_RETURN_IF_ERROR(store_->PutState(message.key, c.state));
  return turn;
}

bool Conversation::LeavesFlow(Context& c, const std::string& text) {
  // Digits are flow input (a member number, a birth date); so are yes/no and cancel words.
  for (char ch : c.normalized) {
    if (ch >= '0' && ch <= '9') return false;
  }
  if (IsCancel(c.normalized) || IsYes(c.normalized) || IsNo(c.normalized)) return false;
  if (text::ParseFullDate(c.normalized)) return false;
  // A question the knowledge base answers confidently is a new topic: the member moved on.
  // Only a specific question counts: 「わかりません」 answers nothing of its own in a flow.
  auto asked = c.knowledge.answerer->Ask(c.program.program.id, text);
  if (!asked.ok() || asked->outcome != Outcome::kAnswer || asked->candidates.empty()) return false;
  if (asked->candidates.front().evidence < kLeaveFlowEvidence || asked->confidence < 0.5f) {
    return false;
  }
  if (asked->entry_id == "action:reissue_auth_code") return false;
  c.state.flow.clear();
  c.state.flow_step = 0;
  c.state.flow_failures = 0;
  c.state.sealed_slots.clear();
  return true;
}

Reply Conversation::Welcome(const kb::ProgramKb& program) const {
  std::string s = program.program.name + "のお問い合わせ窓口です。";
  // The example is the program's own: a program without points never suggests a points question.
  const std::string example = WelcomeExample(program);
  s += example.empty() ? "ご質問を文章で送ってください。"
                       : "ご質問を文章で送ってください（例：「" + example + "」）。";
  std::vector<std::string> can;
  if (program.program.HasAction("balance")) can.push_back("ポイント残高");
  if (program.program.HasAction("expiry")) can.push_back("失効予定のポイント");
  if (program.program.HasAction("exchange")) can.push_back("ポイント交換の受付状況");
  if (program.program.HasAction("rank")) can.push_back("ランク");
  if (program.program.HasAction("history")) can.push_back("ポイントの履歴");
  if (!can.empty()) {
    s += "\nアカウントを連携すると、";
    for (size_t i = 0; i < can.size(); ++i) s += (i ? "・" : "") + can[i];
    s += "もご確認いただけます。";
  }
  if (program.program.HasAction("reissue_auth_code")) {
    s += "\n認証コードの再発行（はがきでお届け）もこのチャットで申し込めます。";
  }
  s += "\n解決しないときは担当窓口をご案内します。";
  Reply r = Text(std::move(s));
  r.entry_id = "welcome";
  return r;
}

void Conversation::AddFeedbackChoices(Reply& r) const {
  r.choices.push_back({"解決した", "feedback:yes:" + r.entry_id});
  r.choices.push_back({"解決しない", "feedback:no:" + r.entry_id});
}

Reply Conversation::Answer(Context& c, const Reply& matched) {
  const kb::Entry* entry = c.program.Find(matched.entry_id);
  if (entry == nullptr) return matched;
  if (entry->IsIntent()) {
    const std::string& a = entry->action;
    if (a == "balance" || a == "expiry" || a == "history" || a == "rank" || a == "exchange") {
      return Live(c, *entry, matched);
    }
    if (a == "reissue_auth_code") return StartReissue(c);
    if (a == "link") return LinkReply(c);
    return matched;  // handoff: the contacts are the answer
  }
  Reply r = matched;
  c.state.last_entry_id = entry->id;
  if (!entry->variants.empty()) {
    // A linked member's age is known: only their variant, not every variant with its label.
    if (std::optional<int> age = LinkedAge(c)) {
      AskOptions options;
      options.asker_age = age;
      auto own =
          c.knowledge.answerer->AnswerEntry(c.program.program.id, entry->id, c.normalized, options);
      if (own.ok()) r.text = own->text;
    }
  }
  // Greetings, thanks and help are conversation, not an answer to rate: only the program's own
  // answers ask whether they solved anything (live answers ask in Live()).
  if (entry->IsOwnFaq()) AddFeedbackChoices(r);
  return r;
}

std::optional<int> Conversation::LinkedAge(Context& c) {
  auto member_id = linker_->LinkedMember(c.message.key, c.program.program.id);
  if (!member_id.ok() || !member_id->has_value()) return std::nullopt;
  // A core that is down costs only the choice of variant: every variant is shown then.
  auto member = core_->GetMember(**member_id);
  if (!member.ok()) return std::nullopt;
  return AgeOn(member->birth_date, c.today);
}

Reply Conversation::Live(Context& c, const kb::Entry& entry, const Reply& general) {
  const std::string& program = c.program.program.id;
  auto member = linker_->LinkedMember(c.message.key, program);
  Reply r = general;
  r.entry_id = entry.id;
  r.action = entry.action;
  if (!member.ok() || !member->has_value()) {
    // Unlinked: the general rule and how to link; never anyone's data.
    // The general answer already carries the rule (exchange: {{exchange_window today}}).
    c.state.last_entry_id = entry.id;
    r.choices = {{"アカウント連携", "link"}};
    return r;
  }
  const std::string& id = **member;
  StatusOr<std::string> text = Status(StatusCode::kInternal, "unset");
  if (entry.action == "balance" || entry.action == "expiry") {
    auto b = core_->Balance(id, c.today);
    text = b.ok()
               ? StatusOr<std::string>(entry.action == "balance" ? BalanceText(*b) : ExpiryText(*b))
               : StatusOr<std::string>(b.status());
  } else if (entry.action == "history") {
    auto h = core_->History(id, options_.history_limit);
    text = h.ok() ? StatusOr<std::string>(HistoryText(*h)) : StatusOr<std::string>(h.status());
  } else if (entry.action == "rank") {
    auto rank = core_->Rank(program, id, c.today);
    text =
        rank.ok() ? StatusOr<std::string>(RankText(*rank)) : StatusOr<std::string>(rank.status());
  } else {  // exchange
    auto m = core_->GetMember(id);
    auto w = core_->ExchangeWindow(program, c.today);
    auto b = core_->Balance(id, c.today);
    if (m.ok() &&
        rules::StatusForfeitsPoints(c.program.program, points::MemberStatusName(m->status))) {
      // Whether the window is open is beside the point: this member can no longer exchange.
      text = ExchangeEndedText(m->status);
    } else if (!w.ok()) {
      text = w.status();
    } else {
      text = ExchangeText(*w, c.today, b.ok() ? &*b : nullptr);
    }
  }
  if (text.ok()) {
    c.state.last_entry_id = entry.id;
    r.text = *text;
    r.choices.clear();
    AddFeedbackChoices(r);
    return r;
  }
  if (text.status().code() == StatusCode::kNotFound) {
    r.text =
        "連携している会員情報が見つかりませんでした。お手数ですが、もう一度アカウント連携を"
        "お願いします。\n\n" +
        general.text;
    r.choices = {{"アカウント連携", "link"}};
    return r;
  }
  // The core is down or refused: say so plainly, and still give the general answer.
  r.text =
      "申し訳ありません。ただいまポイント情報を確認できません。時間をおいてもう一度お試し"
      "ください。\n\n" +
      general.text;
  r.choices.clear();
  return r;
}

Reply Conversation::LinkReply(Context& c) {
  auto member = linker_->LinkedMember(c.message.key, c.program.program.id);
  if (member.ok() && member->has_value()) {
    return Text(
        "このアカウントはすでに連携済みです。連携をやめるときは「連携解除」と送ってください。");
  }
  auto url = linker_->IssueLinkUrl(c.message.key, c.program.program.id, c.message.account);
  if (!url.ok())
    return Text("申し訳ありません。ただいま連携の受付ができません。時間をおいてお試しください。");
  Reply r = Text(
      "下のリンクを開き、会員番号・生年月日・認証コードを入力してアカウントを連携してください。"
      "リンクの有効期限は10分で、一度だけ使えます。");
  r.action = "link";
  r.links.push_back({"アカウント連携", *url});
  return r;
}

Reply Conversation::StartReissue(Context& c) {
  c.state.flow = kFlowReissue;
  c.state.flow_step = 1;
  c.state.flow_failures = 0;
  nlohmann::json slots = {{"key", store::RandomToken(16)}};
  c.state.sealed_slots = sealer_->Seal(slots.dump());
  Reply r = Text(
      "認証コードの再発行をお手伝いします。新しい認証コードは、ご登録の住所へはがきで"
      "お届けします。\nまず、会員番号（組合員証の番号）を入力してください。"
      "\nやめるときは「キャンセル」と送ってください。");
  r.action = "reissue_auth_code";
  r.entry_id = "action:reissue_auth_code";
  r.choices = {{"キャンセル", "cancel"}};
  return r;
}

Reply Conversation::ContinueReissue(Context& c, const std::string& text,
                                    const std::string& postback) {
  auto end_flow = [&](std::string message) {
    c.state.flow.clear();
    c.state.flow_step = 0;
    c.state.flow_failures = 0;
    c.state.sealed_slots.clear();
    Reply r = Text(std::move(message));
    r.action = "reissue_auth_code";
    r.entry_id = "action:reissue_auth_code";
    return r;
  };
  if (postback == "cancel" || postback == "confirm:no" || (!text.empty() && IsCancel(text))) {
    return end_flow("認証コードの再発行を取りやめました。ほかにご質問があればどうぞ。");
  }
  nlohmann::json slots = nlohmann::json::object();
  if (auto opened = sealer_->Open(c.state.sealed_slots); opened.ok() && !opened->empty()) {
    slots = nlohmann::json::parse(*opened, nullptr, false);
    if (slots.is_discarded()) slots = nlohmann::json::object();
  }
  auto fail = [&](std::string again) {
    if (++c.state.flow_failures >= options_.max_flow_failures) {
      return end_flow(
          "確認できなかったため、再発行の手続きをいったん終了します。お手数ですが、"
          "担当窓口へお問い合わせください。\n" +
          rules::FormatContacts(c.program.program));
    }
    Reply r = Text(std::move(again));
    r.action = "reissue_auth_code";
    r.entry_id = "action:reissue_auth_code";
    r.choices = {{"キャンセル", "cancel"}};
    return r;
  };
  auto save = [&] { c.state.sealed_slots = sealer_->Seal(slots.dump()); };
  auto ask = [&](std::string message, std::vector<Choice> choices) {
    save();
    Reply r = Text(std::move(message));
    r.action = "reissue_auth_code";
    r.entry_id = "action:reissue_auth_code";
    r.choices = std::move(choices);
    return r;
  };

  switch (c.state.flow_step) {
    case 1: {
      auto number = ExtractMemberNumber(text);
      if (!number) return fail("会員番号を数字で入力してください（例：12345678）。");
      // Lower-cased by the normalizer; the core compares member numbers case-insensitively.
      slots["member"] = *number;
      c.state.flow_step = 2;
      return ask(
          "次に、生年月日を入力してください（例：1980年4月1日、昭和55年4月1日、S55.4."
          "1、19800401）。",
          {{"キャンセル", "cancel"}});
    }
    case 2: {
      auto birth = ExtractBirthDate(text);
      if (!birth || !slots.contains("member")) {
        return fail(
            "生年月日を読み取れませんでした。例のように入力してください（例：1980年4月1日、S55.4."
            "1）。");
      }
      // Counted for the number and for this conversation: a stranger's failures on the number
      // do not lock the member out of a conversation of their own (PointsCore::Verify).
      auto v = core_->Verify({slots["member"].get<std::string>(),
                              *birth,
                              std::nullopt,
                              {ConversationRequester(c.message.key)}});
      if (!v.ok() && v.status().code() == StatusCode::kInvalidArgument) {
        // A date no member can have (2099年…) or a malformed number: a typo, not a failed
        // verification, and nothing was counted.
        return fail(
            "生年月日を読み取れませんでした。例のように入力してください（例：1980年4月1日、S55.4."
            "1）。");
      }
      if (!v.ok()) {
        if (v.status().code() == StatusCode::kResourceExhausted) {
          return end_flow(
              "確認に続けて失敗したため、しばらく受付を停止しています。1時間ほどおいて"
              "からもう一度お試しいただくか、担当窓口へお問い合わせください。\n" +
              rules::FormatContacts(c.program.program));
        }
        return end_flow(
            "申し訳ありません。ただいま再発行を受け付けできません。時間をおいてもう一度"
            "お試しください。");
      }
      if (!v->verified) {
        c.state.flow_step = 1;
        slots.erase("member");
        save();
        return fail(
            "会員番号と生年月日の組み合わせを確認できませんでした。お手数ですが、会員番号から"
            "もう一度入力してください。");
      }
      slots["birth"] = FormatIsoDate(*birth);
      c.state.flow_step = 3;
      return ask("確認できました。新しい認証コードをはがきでお送りします。再発行を申し込みますか？",
                 {{"はい", "confirm:yes"}, {"いいえ", "confirm:no"}});
    }
    case 3: {
      bool yes = postback == "confirm:yes" || (!text.empty() && IsYes(text));
      bool no = !text.empty() && IsNo(text);
      if (no) return end_flow("認証コードの再発行を取りやめました。ほかにご質問があればどうぞ。");
      if (!yes) {
        Reply r = fail("「はい」か「いいえ」でお答えください。");
        if (c.state.flow == kFlowReissue)
          r.choices = {{"はい", "confirm:yes"}, {"いいえ", "confirm:no"}};
        return r;
      }
      auto request =
          core_->RequestReissue(slots.value("member", ""), slots.value("key", ""), c.today);
      // Whoever knows a number and a birth date gets this far, so the answer tells nothing
      // about the member: a new request, an earlier one still on its way and a status that
      // allows no reissue all read the same (no dates, no request id, no eligibility).
      if (!request.ok() && request.status().reason() != points::kReasonNotEligible) {
        return end_flow(
            "申し訳ありません。ただいま再発行を受け付けできません。時間をおいてもう一度お試しくださ"
            "い。");
      }
      Reply done = end_flow(ReissueText(c.program.program));
      c.state.last_entry_id = kEntryReissue;
      return done;
    }
    default:
      return end_flow("手続きの途中で情報が失われたため、最初からやり直してください。");
  }
}

Reply Conversation::Feedback(Context& c, const std::string& payload) {
  // feedback:yes:<entry id> / feedback:no:<entry id>
  std::string rest = payload.substr(9);
  size_t colon = rest.find(':');
  std::string verdict = rest.substr(0, colon);
  std::string entry = colon == std::string::npos ? "" : rest.substr(colon + 1);
  if ((verdict != "yes" && verdict != "no") || entry.empty()) {
    return Text("その操作はわかりませんでした。ご質問を文章で送ってください。");
  }
  bool resolved = verdict == "yes";
  int64_t now = UnixSeconds();
  store_->AddFeedback({c.message.key, c.program.program.id, entry, resolved, now});
  if (resolved) return Text("ご回答ありがとうございます。お役に立ててよかったです。");
  Reply r = Text(
      "お役に立てず申し訳ありません。よろしければ、言葉を変えてもう一度ご質問ください。"
      "担当窓口でもご相談をお受けしています。\n" +
      rules::FormatContacts(c.program.program));
  r.action = "handoff";
  return r;
}

void Conversation::RecordUnanswered(const Context& c, const std::string& text, const Reply& r) {
  store::Unanswered u;
  u.program = c.program.program.id;
  u.channel = c.message.key.channel;
  u.redacted_text = text::Redact(text, *normalizer_);
  if (!r.candidates.empty()) u.nearest_entry_id = r.candidates.front().entry->id;
  u.confidence = r.confidence;
  u.at = UnixSeconds();
  store_->AddUnanswered(u);  // best effort: losing it must not lose the member's answer
}

}  // namespace madoguchi::dialogue
