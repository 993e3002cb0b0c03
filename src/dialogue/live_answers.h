// Live answers: a linked member's own points, written the Japanese way (1,250ポイント,
// 令和8年3月31日（2026年3月31日）). Pure formatting of what the points core returned.
#ifndef MADOGUCHI_DIALOGUE_LIVE_ANSWERS_H_
#define MADOGUCHI_DIALOGUE_LIVE_ANSWERS_H_

#include <string>
#include <vector>

#include "kb/program.h"
#include "points/points_core.h"

namespace madoguchi::dialogue {

std::string BalanceText(const points::PointBalance& balance);
std::string ExpiryText(const points::PointBalance& balance);
std::string HistoryText(const std::vector<points::HistoryEntry>& history);
std::string RankText(const points::MemberRank& rank);
std::string ExchangeText(const rules::ExchangeWindow& window, const Date& today,
                         const points::PointBalance* balance);
// What the chat's reissue flow answers once asked: only that a postcard is on its way (and the
// program's usual delivery time and contacts). The same text whether the request is new, an
// earlier one still stands or the member's status allows none, since anyone who knows a member
// number and a birth date reaches it: no dates, no request id, no eligibility.
std::string ReissueText(const kb::Program& program);
// What a follow-up right after that (「それはいつ届く？」) is told: the postcard's usual delivery
// time and the contacts, with nothing more about the member than ReissueText says.
std::string ReissueArrivalText(const kb::Program& program);
// Exchange for a member whose status forfeited their points (退職, 任意継続, 被扶養者): that the
// change ended exchange, whatever the window.
std::string ExchangeEndedText(points::MemberStatus status);
// "ポイント" amounts: 1,250ポイント
std::string Points(int64_t points);

}  // namespace madoguchi::dialogue

#endif  // MADOGUCHI_DIALOGUE_LIVE_ANSWERS_H_
