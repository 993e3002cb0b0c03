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
std::string ReissueText(const points::ReissueRequest& request);
// "ポイント" amounts: 1,250ポイント
std::string Points(int64_t points);

}  // namespace madoguchi::dialogue

#endif  // MADOGUCHI_DIALOGUE_LIVE_ANSWERS_H_
