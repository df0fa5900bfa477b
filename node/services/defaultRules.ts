// The default rule set: the district's 17 "no application, just receive" (免申即享) services, each
// with the life event that opens it, who is eligible and the department that delivers. The
// district named in the residence checks is the demo district; an operator writes their own in
// <dataDir>/services.json (docs/services.md).
import type { ServiceRuleSetInput } from "./rules.js";

const DISTRICT = "Haidian";
const resident = { type: "residentOf", district: DISTRICT, expect: true } as const;

/** Life-event credential schemas the default rules follow (the issuing department registers them under these names). */
export const LIFE_EVENT_SCHEMAS = {
  marriage: "marriage-registration",
  birth: "birth-registration",
  childBirth: "child-birth",
  retirement: "retirement",
  ageThreshold: "age-threshold",
  disability: "disability-certificate",
} as const;

export const DEFAULT_SERVICE_RULES: ServiceRuleSetInput = {
  version: 1,
  purpose: "proactive-services",
  rules: [
    // 1-3. Marriage registered (civil affairs): each spouse holds the marriage credential.
    {
      id: "premarital-check-voucher",
      name: { "zh-CN": "免费婚前医学检查券", en: "Free pre-marital medical check voucher" },
      source: "区卫生健康委 免费婚前医学检查项目；婚姻登记后推送",
      event: { schema: LIFE_EVENT_SCHEMAS.marriage },
      eligibility: [resident],
      delivery: { kind: "credential", schema: "voucher.premarital-check", validDays: 365, claims: { service: "premarital-check", free: true } },
      issuer: "health",
    },
    {
      id: "prenatal-check-voucher",
      name: { "zh-CN": "免费孕前优生健康检查券", en: "Free prenatal check voucher" },
      source: "国家免费孕前优生健康检查项目；婚姻登记后推送",
      event: { schema: LIFE_EVENT_SCHEMAS.marriage },
      eligibility: [resident, { type: "ageAtLeast", years: 20, expect: true }],
      delivery: { kind: "credential", schema: "voucher.prenatal-check", validDays: 730, claims: { service: "prenatal-check", free: true } },
      issuer: "health",
    },
    {
      id: "folic-acid-supply",
      name: { "zh-CN": "免费增补叶酸登记", en: "Free folic acid supplement enrolment" },
      source: "增补叶酸预防神经管缺陷项目",
      event: { schema: LIFE_EVENT_SCHEMAS.marriage },
      eligibility: [resident],
      delivery: { kind: "registration", step: "folic-acid-enrolment" },
      issuer: "health",
    },
    // 4-8. Birth registered (health: birth medical certificate), subject the newborn or a parent.
    {
      id: "newborn-household-registration",
      name: { "zh-CN": "新生儿户口登记", en: "Newborn household registration" },
      source: "户口登记条例；出生医学证明签发后由公安分局办理",
      event: { schema: LIFE_EVENT_SCHEMAS.birth },
      eligibility: [resident],
      delivery: { kind: "registration", step: "household-registration" },
      issuer: "public-security",
    },
    {
      id: "child-health-checks",
      name: { "zh-CN": "0-3岁儿童免费健康检查", en: "Free child health checks, ages 0-3" },
      source: "国家基本公共卫生服务 0-6岁儿童健康管理",
      event: { schema: LIFE_EVENT_SCHEMAS.birth },
      eligibility: [resident, { type: "ageAtLeast", years: 3, expect: false }],
      delivery: { kind: "credential", schema: "voucher.child-health-checks", validDays: 1096, claims: { service: "child-health-checks", visits: 8 } },
      issuer: "health",
    },
    {
      id: "newborn-medical-insurance",
      name: { "zh-CN": "新生儿城乡居民医保参保", en: "Newborn resident medical insurance enrolment" },
      source: "城乡居民基本医疗保险办法；新生儿出生后参保",
      event: { schema: LIFE_EVENT_SCHEMAS.birth },
      eligibility: [resident],
      delivery: { kind: "registration", step: "medical-insurance-enrolment" },
      issuer: "healthcare-security",
    },
    {
      id: "vaccination-certificate",
      name: { "zh-CN": "儿童预防接种证", en: "Child vaccination certificate" },
      source: "疫苗管理法；出生后建立预防接种档案",
      event: { schema: LIFE_EVENT_SCHEMAS.birth },
      eligibility: [resident],
      delivery: { kind: "credential", schema: "card.vaccination", claims: { service: "vaccination-record" } },
      issuer: "health",
    },
    {
      id: "maternity-allowance",
      name: { "zh-CN": "生育津贴", en: "Maternity allowance" },
      source: "生育保险规定；子女出生登记后直接拨付",
      event: { schema: LIFE_EVENT_SCHEMAS.childBirth },
      eligibility: [resident],
      delivery: { kind: "payment", amountFen: 1_200_000, account: "social-security-card", recurring: "once" },
      issuer: "healthcare-security",
    },
    // 9-11. Retirement (human resources and social security).
    {
      id: "senior-card",
      name: { "zh-CN": "老年人优待卡", en: "Senior card" },
      source: "老年人权益保障条例；60周岁以上常住老人免申办卡",
      event: { schema: LIFE_EVENT_SCHEMAS.retirement },
      eligibility: [resident, { type: "ageAtLeast", years: 60, expect: true }],
      delivery: { kind: "credential", schema: "card.senior", claims: { service: "senior-card" } },
      issuer: "civil-affairs",
    },
    {
      id: "pension-first-payment",
      name: { "zh-CN": "养老金首次发放", en: "First pension payment" },
      source: "基本养老保险条例；退休审批后次月发放",
      event: { schema: LIFE_EVENT_SCHEMAS.retirement },
      eligibility: [resident],
      delivery: { kind: "payment", amountFen: 420_000, account: "social-security-card", recurring: "monthly" },
      issuer: "human-resources",
    },
    {
      id: "retiree-medical-insurance",
      name: { "zh-CN": "退休人员医保待遇变更", en: "Retiree medical insurance change" },
      source: "职工基本医疗保险办法；退休后转为退休人员待遇",
      event: { schema: LIFE_EVENT_SCHEMAS.retirement },
      eligibility: [resident],
      delivery: { kind: "registration", step: "retiree-medical-insurance" },
      issuer: "healthcare-security",
    },
    // 12-14. Reaching an age threshold (public security's population register anchors the milestone).
    {
      id: "elderly-allowance",
      name: { "zh-CN": "高龄老年人津贴", en: "Elderly allowance (80 and over)" },
      source: "高龄津贴制度；80周岁以上按月直接发放至社保卡",
      event: { schema: LIFE_EVENT_SCHEMAS.ageThreshold },
      eligibility: [resident, { type: "ageAtLeast", years: 80, expect: true }],
      delivery: { kind: "payment", amountFen: 10_000, account: "social-security-card", recurring: "monthly" },
      issuer: "civil-affairs",
    },
    {
      id: "senior-free-transit",
      name: { "zh-CN": "65周岁以上免费乘坐公交", en: "Free public transport (65 and over)" },
      source: "老年人优待办法；65周岁以上免费乘坐地面公交",
      event: { schema: LIFE_EVENT_SCHEMAS.ageThreshold },
      eligibility: [resident, { type: "ageAtLeast", years: 65, expect: true }],
      delivery: { kind: "credential", schema: "card.senior-transit", claims: { service: "free-transit" } },
      issuer: "transport",
    },
    {
      id: "senior-health-check",
      name: { "zh-CN": "65周岁以上老年人免费体检", en: "Free yearly health check (65 and over)" },
      source: "国家基本公共卫生服务 老年人健康管理",
      event: { schema: LIFE_EVENT_SCHEMAS.ageThreshold },
      eligibility: [resident, { type: "ageAtLeast", years: 65, expect: true }],
      delivery: { kind: "credential", schema: "voucher.senior-health-check", validDays: 365, claims: { service: "senior-health-check", free: true } },
      issuer: "health",
    },
    // 15-17. Disability certified (disabled persons' federation).
    {
      id: "disability-living-allowance",
      name: { "zh-CN": "困难残疾人生活补贴", en: "Living allowance for disabled people on low income" },
      source: "困难残疾人生活补贴和重度残疾人护理补贴制度；持残疾人证且享受低保",
      event: { schema: LIFE_EVENT_SCHEMAS.disability },
      eligibility: [resident, { type: "hasValidCredential", schema: "minimum-living-allowance", expect: true }],
      delivery: { kind: "payment", amountFen: 20_000, account: "social-security-card", recurring: "monthly" },
      issuer: "civil-affairs",
    },
    {
      id: "severe-disability-care-allowance",
      name: { "zh-CN": "重度残疾人护理补贴", en: "Care allowance for severe disability" },
      source: "困难残疾人生活补贴和重度残疾人护理补贴制度；一、二级残疾",
      event: { schema: LIFE_EVENT_SCHEMAS.disability },
      eligibility: [resident, { type: "hasValidCredential", schema: "disability-severe", expect: true }],
      delivery: { kind: "payment", amountFen: 30_000, account: "social-security-card", recurring: "monthly" },
      issuer: "civil-affairs",
    },
    {
      id: "disability-transit-card",
      name: { "zh-CN": "残疾人免费乘车卡", en: "Free transport card for disabled people" },
      source: "残疾人保障法；持证残疾人免费乘坐公共交通",
      event: { schema: LIFE_EVENT_SCHEMAS.disability },
      eligibility: [resident],
      delivery: { kind: "credential", schema: "card.disability-transit", claims: { service: "free-transit" } },
      issuer: "transport",
    },
  ],
};
