// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/**
 * @title IAgencyRegistry
 * @dev What each agency may ask citizens for, declared by the governor (the relying-party
 * registration of the EU digital identity wallet, here on chain).
 *
 * An agency is registered with a profile (names in Chinese and English, a contact, its legal basis in
 * both languages) and, for each purpose it declares, the data categories (`scopes`, bit i = category i)
 * it may ask for under that purpose. ConsentRegistry refuses a consent or a statutory grant that asks
 * for more than this, and the gateway refuses an access beyond it, naming the excess categories.
 *
 * What goes on chain and why: only what a contract reads, the declared scopes per (agency, purpose)
 * and the profile's hash with its times. The texts themselves (names, contact, legal basis, purpose
 * names) travel in the events, where the gateway's directory reads them: a profile is a few hundred
 * bytes of UTF-8 that no contract ever reads back, and storing it would cost a storage slot per 32
 * bytes at every change. The hash on chain lets anyone check that the text they were shown is the
 * registered one ({profileHashOf}).
 *
 * Changes: the governor registers again to change a profile, and declares a purpose again to change
 * its scopes (0 withdraws it). Nothing is deleted: every version stays in the events. A narrower
 * registration does not rewrite consents already given; ConsentRegistry.check and the gateway both
 * refuse, at access time, any access beyond the registration as it stands then.
 *
 * The profile is about an organisation, never a person: no personal data.
 */
interface IAgencyRegistry {
    struct Profile {
        string nameZh;
        string nameEn;
        /// @dev How citizens reach the agency (a service line, an address, a web page).
        string contact;
        /// @dev The law or regulation the agency's processing rests on, in both languages.
        string legalBasisZh;
        string legalBasisEn;
    }

    struct PurposeDeclaration {
        /// @dev The purpose code, as consents name it (SDK `purposeCode(id)`).
        bytes32 purpose;
        /// @dev The data categories the agency may ask for under this purpose; 0 withdraws the purpose.
        uint256 scopes;
        string nameZh;
        string nameEn;
    }

    struct Registration {
        /// @dev keccak256(abi.encode(profile)) of the current profile.
        bytes32 profileHash;
        uint64 registeredAt;
        uint64 updatedAt;
    }

    /// @dev A profile was registered or replaced. The full text is here and nowhere else on chain.
    event AgencyRegistered(address indexed agency, bytes32 profileHash, Profile profile);
    /// @dev A purpose was declared, changed, or withdrawn (`scopes` 0).
    event AgencyPurposeDeclared(address indexed agency, bytes32 indexed purpose, uint256 scopes, string nameZh, string nameEn);

    error AgencyRegistryZeroAddress();
    /// @dev A required profile text is empty (`field`: 0 nameZh, 1 nameEn, 2 contact, 3 legalBasisZh, 4 legalBasisEn).
    error AgencyRegistryEmptyText(uint8 field);
    error AgencyRegistryZeroPurpose();
    /// @dev A declared purpose (non-zero scopes) needs its names in both languages.
    error AgencyRegistryUnnamedPurpose(bytes32 purpose);
    error AgencyRegistryNotRegistered(address agency);

    /**
     * @dev The governor registers `agency`, or replaces its profile, and declares `purposes`.
     *
     * Requirements: governor; `agency` non-zero; every profile text non-empty; each declaration as in
     * {declarePurposes}. Holding the agency role is a separate grant in the AccessManager: an agency
     * needs both to receive consents.
     */
    function register(address agency, Profile calldata profile, PurposeDeclaration[] calldata purposes) external;

    /**
     * @dev The governor declares, changes or withdraws purposes of a registered agency.
     *
     * Requirements: governor; `agency` registered; each `purpose` non-zero; a declaration with non-zero
     * scopes names the purpose in both languages.
     */
    function declarePurposes(address agency, PurposeDeclaration[] calldata purposes) external;

    function getRegistration(address agency) external view returns (Registration memory);

    function isRegistered(address agency) external view returns (bool);

    /// @dev The categories `agency` declared for `purpose` (0: not registered or not declared).
    function scopesFor(address agency, bytes32 purpose) external view returns (uint256);

    /// @dev The categories in `scopes` that `agency` did not declare for `purpose` (0: within its registration).
    function excessScopes(address agency, bytes32 purpose, uint256 scopes) external view returns (uint256);

    /// @dev The hash a profile is registered under.
    function profileHashOf(Profile calldata profile) external pure returns (bytes32);
}
