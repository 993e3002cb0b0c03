#include "points/now.h"

namespace madoguchi::points {

const SystemNow& SystemNow::Instance() {
  static const SystemNow kInstance;
  return kInstance;
}

}  // namespace madoguchi::points
