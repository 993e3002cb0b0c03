#include "dialogue/live_answers.h"

#include "rules/placeholders.h"
#include "text/era.h"

namespace madoguchi::dialogue {

using text::FormatJapaneseDate;

std::string Points(int64_t points) { return text::FormatNumber(points) + "ポイント"; }

std::string BalanceText(const points::PointBalance& b) {
  std::string s =
      FormatJapaneseDate(b.as_of) + "時点のポイント残高は" + Points(b.balance) + "です。";
  if (!b.expiring.empty()) {
    const auto& soonest = b.expiring.front();
    s += "\nこのうち" + Points(soonest.points) + "は" + FormatJapaneseDate(soonest.expires_on) +
         "で失効します。";
  }
  return s;
}

std::string ExpiryText(const points::PointBalance& b) {
  if (b.expiring.empty()) {
    if (b.balance == 0) return "現在、失効予定のポイントはありません（残高は0ポイントです）。";
    return "現在お持ちの" + Points(b.balance) + "に有効期限はありません。";
  }
  std::string s = "失効予定のポイントは次のとおりです（" + FormatJapaneseDate(b.as_of) + "時点）。";
  for (const auto& e : b.expiring) {
    s += "\n・" + FormatJapaneseDate(e.expires_on) + "まで：" + Points(e.points);
  }
  s += "\n期限を過ぎたポイントは使えなくなります。お早めにご利用ください。";
  return s;
}

std::string HistoryText(const std::vector<points::HistoryEntry>& history) {
  if (history.empty()) return "ポイントの履歴はまだありません。";
  std::string s = "最近のポイントの動きです（新しい順）。";
  for (const auto& h : history) {
    s += "\n・" + text::FormatEraDate(h.on) + " ";
    switch (h.kind) {
      case points::HistoryEntry::Kind::kGrant:
        s += h.label + "で" + Points(h.points) + "付与";
        break;
      case points::HistoryEntry::Kind::kRedemption:
        s += h.label + "と交換（" + Points(h.points) + "）";
        break;
      case points::HistoryEntry::Kind::kForfeit:
        s += "資格の変更により" + Points(h.points) + "失効";
        break;
    }
  }
  return s;
}

std::string RankText(const points::MemberRank& r) {
  std::string season =
      text::FormatGregorianDate(r.season.start) + "〜" + text::FormatGregorianDate(r.season.end);
  std::string s = "今シーズン（" + season + "）に貯めたポイントは" + Points(r.points) + "です。";
  s += r.rank.empty() ? "まだランクには届いていません。" : "現在のランクは" + r.rank + "です。";
  if (!r.next_rank.empty()) {
    s += r.next_rank + "まであと" + Points(r.points_to_next) + "です。";
  } else {
    s += "最高ランクに到達しています。";
  }
  return s;
}

std::string ExchangeText(const rules::ExchangeWindow& w, const Date& today,
                         const points::PointBalance* balance) {
  std::string s = "本日（" + FormatJapaneseDate(today) + "）は";
  if (!w.open) {
    s += "ポイント交換を受け付けていません。";
    if (!w.reason.empty()) s += w.reason + (w.reason.ends_with("。") ? "" : "。");
    if (w.next_open) s += "次の受付は" + FormatJapaneseDate(*w.next_open) + "からです。";
    return s;
  }
  s += "ポイント交換の受付期間中です。";
  if (balance != nullptr) {
    s += balance->balance > 0 ? "交換に使えるポイントは" + Points(balance->balance) + "です。"
                              : "ただし、交換に使えるポイントが現在ありません。";
  }
  return s;
}

std::string ReissueText(const kb::Program& program) {
  std::string s =
      "認証コードの再発行のお申し込みを受け付けました。再発行の対象となる場合は、新しい認証コードを"
      "ご登録の住所へはがきでお送りします（チャットではお知らせしません）。";
  if (program.rules.reissue.arrival_days > 0) {
    s += "通常" + std::to_string(program.rules.reissue.arrival_days) + "日ほどで届きます。";
  }
  s += "届かない場合は担当窓口へお問い合わせください。\n" + rules::FormatContacts(program);
  return s;
}

std::string ReissueArrivalText(const kb::Program& program) {
  std::string s = "再発行の対象となる場合、新しい認証コードのはがきはご登録の住所へお送りします。";
  if (program.rules.reissue.arrival_days > 0) {
    s += "お申し込みから通常" + std::to_string(program.rules.reissue.arrival_days) +
         "日ほどで届きます。";
  }
  s += "届かない場合は担当窓口へお問い合わせください。\n" + rules::FormatContacts(program);
  return s;
}

std::string ExchangeEndedText(points::MemberStatus status) {
  std::string why;
  switch (status) {
    case points::MemberStatus::kRetired:
      why = "退職されたため";
      break;
    case points::MemberStatus::kVoluntary:
      why = "任意継続組合員になられたため";
      break;
    case points::MemberStatus::kDependent:
      why = "被扶養者になられたため";
      break;
    case points::MemberStatus::kActive:
      why = "ご資格の変更により";
      break;
  }
  return why +
         "、お持ちだったポイントは失効しており、ポイント交換はご利用いただけません。"
         "ご不明な点は担当窓口へお問い合わせください。";
}

}  // namespace madoguchi::dialogue
